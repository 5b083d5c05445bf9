import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Admin, Kafka } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { expect } from 'chai';
import type { Collector } from '../../../collector/collector.js';
import type { DeadLetter } from '../../../collector/spool/dead-letters.js';
import { DEAD_LETTER_FILE } from '../../../collector/spool/dead-letters.js';
import { Spool } from '../../../collector/spool/spool.js';
import { repoRoot, services, uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';
import { collectorConfig, countById, kafkaClient, readTopic, startCollector, tempDir } from './harness.js';

const run = promisify(execFile);

/** A record as the collector spools it: the visitor as key, the event as JSON, `pad` bytes of padding. */
const record = (id: string, pad: number) => ({
  key: 'visitor-r',
  value: Buffer.from(JSON.stringify({ kind: 'event', id, properties: { pad: 'x'.repeat(pad) } })),
});

describe('quoteflow collector replay-dead-letters (real Kafka)', function () {
  this.timeout(120_000);
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;
  let collector: Collector | undefined;

  /** The command as an operator runs it, configured by QF_* variables. */
  const replay = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')),
    );
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'cli/main.ts', 'collector', 'replay-dead-letters', ...args],
        {
          cwd: repoRoot,
          env: {
            ...inherited,
            QF_KAFKA_BROKERS: services.kafkaBrokers.join(','),
            QF_KAFKA_TOPICS_EVENTS_NAME: topic,
            QF_COLLECTOR_SPOOL_DIR: spoolDir.path,
            QF_LOG_LEVEL: 'error',
          },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const letters = async (): Promise<DeadLetter[]> =>
    (await readFile(join(spoolDir.path, DEAD_LETTER_FILE), 'utf8'))
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as DeadLetter);
  /** The topic's largest message: what the broker takes for it, raised once the cause is fixed. */
  const setMaxMessageBytes = async (bytes: number) => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
        },
      ],
    });
  };

  before(async () => {
    kafka = kafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueName('qf.test.h12.replay');
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'max.message.bytes', value: '4000' }],
        },
      ],
    });
    spoolDir = await tempDir('qf-h12-replay-');
  });

  after(async () => {
    await collector?.close();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  it('should refuse beside a running collector, then send what Kafka takes now, once, and keep the rest', async () => {
    // The spool of an older collector: two ordinary events, three over the topic's 4,000 bytes
    // (fixable: the limit is raised below) and one of 200 KB (still too large afterwards).
    const small = [randomUUID(), randomUUID()];
    const medium = [randomUUID(), randomUUID(), randomUUID()];
    const huge = randomUUID();
    const spool = await Spool.open({
      dir: spoolDir.path,
      maxBytes: 64 * 1024 * 1024,
      segmentBytes: 16 * 1024 * 1024,
      logger: silentLogger,
    });
    await spool.append([
      record(small[0] ?? '', 10),
      ...medium.map((id) => record(id, 6000)),
      record(huge, 200_000),
      record(small[1] ?? '', 10),
    ]);
    await spool.close();
    collector = await startCollector(
      services.kafkaBrokers,
      topic,
      collectorConfig({ spool: { ...collectorConfig().spool, dir: spoolDir.path } }),
    );
    const running = collector;
    await waitFor('the refused records in the dead-letter file', () => running.spoolStats().records === 0);
    await waitFor('four dead letters', async () => (await letters().catch(() => [])).length === 4);

    const refused = await replay();
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/SPOOL_IN_USE.*a collector writes .* \(pid \d+ on .*stop it first/);
    expect(await letters()).to.have.length(4);

    await collector.close();
    collector = undefined;

    // The cause not fixed yet: everything refused again, everything kept.
    const again = await replay();
    expect(again.code).to.equal(1);
    expect(again.stdout).to.include('4 dead letter(s): 0 sent, 4 refused again (kept), 0 not tried (kept)');
    expect((await letters()).map((l) => (JSON.parse(l.value) as { id: string }).id).sort()).to.deep.equal(
      [...medium, huge].sort(),
    );

    await setMaxMessageBytes(100_000);
    const fixed = await replay();
    expect(fixed.code).to.equal(1);
    expect(fixed.stdout).to.include('4 dead letter(s): 3 sent, 1 refused again (kept), 0 not tried (kept)');
    expect(fixed.stdout).to.include('total: 3 sent, 1 kept in the dead-letter file(s)');
    const kept = await letters();
    expect(kept.map((l) => (JSON.parse(l.value) as { id: string }).id)).to.deep.equal([huge]);
    expect(kept[0]?.reason).to.match(/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/);

    // Run again: nothing is sent twice; the one still too large stays.
    const twice = await replay();
    expect(twice.stdout).to.include('1 dead letter(s): 0 sent, 1 refused again (kept)');

    await setMaxMessageBytes(300_000);
    const last = await replay();
    expect(last.code, last.stdout + last.stderr).to.equal(0);
    expect(last.stdout).to.include('total: 1 sent, 0 kept');
    expect(await letters().catch(() => [])).to.deep.equal([]);
    expect((await replay()).stdout).to.include('no dead letters to replay');

    const all = [...small, ...medium, huge];
    const received = await readTopic(kafka, topic, (r) => r.length >= all.length);
    expect([...countById(received).entries()].sort()).to.deep.equal(all.map((id) => [id, 1]).sort());
    expect(new Set(received.map((r) => r.key))).to.deep.equal(new Set(['visitor-r']));
  });
});
