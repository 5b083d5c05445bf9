import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import YAML from 'yaml';
import { waitFor } from '../../support/wait-for.js';
import { replicationNames } from '../../../lib/config/replication-identity.js';
import { toUtcIso } from '../../../connectors/mapping/local-time.js';
import { repoRoot, services, uniqueName } from '../../support/services.js';
import { KafkaHarness, quotesSource } from './harness.js';
import type { Client } from './source-tables.js';
import { createQuotesTable, dropReplication, quoteRow, romeTime, sourceDb } from './source-tables.js';

/** `quoteflow connectors` as its own process, so the test can kill it with SIGKILL. */
function spawnConnectors(configFile: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', configFile, 'connectors'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    // Status goes to a database of its own on the shared ReQL server (it has no tables: the
    // publisher only warns), never into another test's `quoteflow` database.
    env: {
      ...process.env,
      QF_LOG_LEVEL: 'warn',
      QF_RETHINKDB_URL: `rethinkdb://127.0.0.1:28015/${uniqueName('qf_t_none')}`,
    },
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const cases: { client: Client; mode: 'poll' | 'log' }[] = [
  { client: 'postgres', mode: 'poll' },
  { client: 'mysql', mode: 'poll' },
  { client: 'postgres', mode: 'log' },
  { client: 'mysql', mode: 'log' },
];

for (const { client, mode } of cases) {
  describe(`quoteflow connectors killed and restarted, ${mode} mode on ${client} (real database and Kafka)`, function () {
    this.timeout(120_000);
    let db: Knex;
    let harness: KafkaHarness;
    let child: ChildProcess | undefined;
    let dir: string;
    const table = uniqueName('qf_t_quotes');
    const source = uniqueName('killed').replace(/_/g, '-');

    before(async () => {
      db = sourceDb(client);
      await createQuotesTable(db, table);
      harness = new KafkaHarness();
      await harness.start();
      dir = mkdtempSync(join(tmpdir(), 'qf-connectors-'));
    });

    after(async () => {
      if (child) await kill(child);
      if (mode === 'log' && client === 'postgres') {
        await dropReplication(db, replicationNames(source));
      }
      await harness.stop();
      await db.schema.dropTableIfExists(table);
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('should lose no (id, version) across a SIGKILL in the middle of streaming', async () => {
      const config = harness.config([quotesSource(source, client, table, { batchSize: 50, mode })]);
      const file = join(dir, 'quoteflow.yaml');
      writeFileSync(
        file,
        YAML.stringify({ kafka: config.kafka, connectors: config.connectors, sources: config.sources }),
      );
      expect(services.kafkaBrokers).to.deep.equal(config.kafka.brokers);

      await db.batchInsert(
        table,
        Array.from({ length: 3000 }, (_, i) => quoteRow(i + 1, romeTime(-4_000_000 + i * 1000))),
        500,
      );
      child = spawnConnectors(file);
      await harness.waitFor('part of the snapshot', () => harness.on('quotes').length >= 500, 60_000);
      // Changes keep arriving while the process dies.
      let rounds = 0;
      const writer = (async () => {
        for (let round = 0; round < 20; round++) {
          await db(table)
            .whereBetween('id', [round * 10 + 1, round * 10 + 10])
            .update({ price: String(round), updated_at: romeTime(-50) });
          rounds++;
          // Pacing, not a wait: the updates spread over the kill.
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      await waitFor('updates under way', () => rounds >= 4);
      await kill(child);
      const atKill = harness.on('quotes').length;
      await writer;
      child = spawnConnectors(file);

      const got = () =>
        new Set(harness.on('quotes').map((m) => `${String(m.value.id)}@${String(m.value.version)}`));
      expect(atKill, 'killed before the snapshot ended').to.be.below(3000);
      if (mode === 'log') {
        // Every change is in the log: 3000 snapshot rows and 200 updates, each with its own position.
        await harness.waitFor('every change', () => got().size >= 3200, 60_000);
        expect(got().size).to.equal(3200);
        // Resumed, not restarted: a from-scratch snapshot would send the killed run's rows again.
        // The scenario, not a wait: a quiet half second in which such a resend would show.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(harness.on('quotes').length, 'messages in all').to.be.at.most(3200 + 150);
        return;
      }
      const rows = await db<{ id: number; updated_at: string }>(table).select('id', 'updated_at');
      const expected = rows.map(
        (row) => `${source}:${row.id}@${String(toUtcIso(row.updated_at, 'Europe/Rome'))}`,
      );
      await harness.waitFor(
        'every current row version',
        () => {
          const seen = got();
          return expected.every((e) => seen.has(e));
        },
        60_000,
      );
      // The scenario, not a wait: a quiet half second in which a from-scratch resend would show.
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Resumed, not restarted: duplicates are at most a batch and the updates inside the look-back.
      expect(harness.on('quotes').length, 'messages in all').to.be.at.most(3000 + 2 * 200 + 150);
      const final = got();
      expect(expected.filter((e) => !final.has(e))).to.deep.equal([]);
    });
  });
}
