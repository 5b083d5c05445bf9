import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { TABLES } from '../../lib/rethinkdb/tables.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { parseConfig } from '../../lib/config/load-config.js';
import { repoRoot, services, uniqueName } from '../support/services.js';
import { dropTestDatabase, rethinkdbUrlFor } from '../support/test-rethinkdb.js';
import { silentLogger } from '../support/silent-logger.js';

const run = promisify(execFile);

/** Runs the built command, as the image does (`npm test` builds first). */
async function quoteflow(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')),
  );
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'dist/cli/main.js'), ...args], {
      env: { ...cleanEnv, ...env },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('quoteflow command', function () {
  this.timeout(120_000);
  const example = join(repoRoot, 'config/quoteflow.example.yaml');

  describe('--version and --help', () => {
    it('should print the package version and list the commands', async () => {
      const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
      expect((await quoteflow(['--version'])).stdout.trim()).to.equal(pkg.version);
      const help = await quoteflow(['--help']);
      expect(help.code).to.equal(0);
      expect(help.stdout)
        .to.match(/config\b/)
        .and.match(/migrate\b/);
    });

    it('should fail on an unknown command', async () => {
      const result = await quoteflow(['frobnicate']);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('unknown command');
    });
  });

  describe('config check', () => {
    it('should exit 0 on the example file', async () => {
      const result = await quoteflow(['config', 'check', example]);
      expect(result).to.deep.include({ code: 0, stderr: '' });
      expect(result.stdout).to.contain('is valid');
    });

    it('should exit 1 naming the key when a required key is removed, and never print the password', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'qf-config-'));
      const broken = join(dir, 'broken.yaml');
      const text = (await readFile(example, 'utf8'))
        .replace('          quotedAt: created_at\n', '')
        .replace('${RENTALCARS_DB_PASSWORD:-}', 'Sup3r-Secret-Pw');
      await writeFile(broken, text);
      const result = await quoteflow(['config', 'check', broken], { RENTALCARS_DB_PASSWORD: 'Other-Secret' });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('sources[0].tables.quotes.columns.quotedAt: required');
      expect(result.stdout + result.stderr).not.to.contain('Secret');
    });

    it('should name an environment override that breaks the file', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'qf-config-'));
      await copyFile(example, join(dir, 'ok.yaml'));
      const result = await quoteflow(['config', 'check', join(dir, 'ok.yaml')], {
        QF_KAFKA_TOPICS_QUOTES_PARTITIONS: 'many',
      });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain(
        'kafka.topics.quotes.partitions: must be number, not a string (set by QF_KAFKA_TOPICS_QUOTES_PARTITIONS)',
      );
    });

    it('should exit 1 on a missing file', async () => {
      const result = await quoteflow(['config', 'check', '/nonexistent/quoteflow.yaml']);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('cannot read the file (ENOENT)');
    });
  });

  describe('migrate (real RethinkDB and Kafka)', () => {
    const db = uniqueName('qf_test_migrate');
    const topicPrefix = uniqueName('qf.test.migrate');
    const env = {
      QF_RETHINKDB_URL: rethinkdbUrlFor(db),
      QF_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      QF_KAFKA_TOPICS_EVENTS_NAME: `${topicPrefix}.events`,
      QF_KAFKA_TOPICS_QUOTES_NAME: `${topicPrefix}.quotes`,
      QF_KAFKA_TOPICS_BOOKINGS_NAME: `${topicPrefix}.bookings`,
      QF_KAFKA_TOPICS_DLQ_NAME: `${topicPrefix}.dlq`,
      QF_LOG_LEVEL: 'warn',
    };
    const topics = ['events', 'quotes', 'bookings', 'dlq'].map((t) => `${topicPrefix}.${t}`);

    after(async () => {
      await dropTestDatabase(db);
      const admin = createKafka(
        parseConfig('', { QF_KAFKA_BROKERS: env.QF_KAFKA_BROKERS }).config.kafka,
        silentLogger,
      ).admin();
      await admin.connect();
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    });

    it('should create the schema and topics, and change nothing when run again', async () => {
      const first = await quoteflow(['migrate'], env);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.contain(`database ${db} created`);
      expect(first.stdout).to.contain(`tables created: ${TABLES.map((t) => t.name).join(', ')}`);
      expect(first.stdout).to.contain(`kafka: topics created: ${topics.join(', ')}`);

      const second = await quoteflow(['migrate'], env);
      expect(second.code, second.stderr).to.equal(0);
      expect(second.stdout).to.contain(`database ${db} present; tables created: none; indexes created: none`);
      expect(second.stdout).to.contain('kafka: topics created: none; grown: none');
    });

    it('should fail clearly when RethinkDB cannot be reached', async () => {
      const result = await quoteflow(['migrate', '--skip-kafka', '--wait', '1'], {
        ...env,
        QF_RETHINKDB_URL: 'rethinkdb://admin:Hidden-Pw@127.0.0.1:1/quoteflow',
      });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain(
        'error (RETHINKDB_UNAVAILABLE): cannot connect to RethinkDB at 127.0.0.1:1',
      );
      expect(result.stdout + result.stderr).not.to.contain('Hidden-Pw');
    });
  });
});
