/**
 * Quoteflow's connectors (log mode) and Debezium side by side on one database: each engine gets a
 * fresh table with the same rows and the same workload (side-by-side.ts), one after the other,
 * `runs` times, and the figures are printed with the ratio Quoteflow / Debezium.
 *
 * Debezium on MariaDB: the 3.6.1.Final MySQL connector is run as the issue asks and its real failure
 * printed; the 3.5.0.Final MariaDB connector (the last release that has one) is run beside it,
 * labelled as such.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Knex } from 'knex';
import type { Admin, Kafka } from 'kafkajs';
import { replicationNames } from '../../lib/config/replication-identity.js';
import type { ChildEngine } from './child-engine.js';
import { ensureDebeziumBuilt, startDebezium, type DebeziumBuild } from './debezium-harness.js';
import { startQuoteflow } from './quoteflow-engine.js';
import {
  Cleanup,
  interrupt,
  measureEngine,
  type EngineFigures,
  type EngineUnderTest,
  type Workload,
} from './side-by-side.js';
import { connections, type Client } from './source-rows.js';

const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/** Drops a slot once its walsender let it go (it may linger a moment after the engine stopped). */
async function dropSlot(db: Knex, slot: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = (
      await db.raw<{ rows: { active: boolean }[] }>(
        'select active from pg_replication_slots where slot_name = ?',
        [slot],
      )
    ).rows;
    const row = rows[0];
    if (row === undefined) return;
    if (!row.active) {
      await db.raw('select pg_drop_replication_slot(?)', [slot]);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`slot ${slot} still active: select pg_drop_replication_slot('${slot}')`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const QUOTEFLOW = 'Quoteflow log mode';

interface Candidate {
  label: string;
  /** Everything the engine made beside the table and topic goes into `cleanup`. */
  engine(cleanup: Cleanup): EngineUnderTest;
}

function quoteflowCandidate(
  client: Client,
  db: Knex,
  admin: Admin,
  brokers: string[],
  cpuProfileDir?: string,
): Candidate {
  return {
    label: QUOTEFLOW,
    engine: (cleanup) => ({
      label: 'Quoteflow',
      async start(table, topic) {
        const source = unique('dbz-qf').replace(/_/g, '-');
        const topics = { quotes: topic, bookings: `${topic}_b`, dlq: `${topic}_d`, offsets: `${topic}_o` };
        await admin.createTopics({
          waitForLeaders: true,
          topics: [topics.bookings, topics.dlq].map((t) => ({ topic: t, numPartitions: 1 })),
        });
        cleanup.add('Quoteflow topics', async () => {
          const existing = new Set(await admin.listTopics());
          await admin.deleteTopics({
            topics: [topics.bookings, topics.dlq, topics.offsets].filter((t) => existing.has(t)),
          });
        });
        if (client === 'postgres')
          cleanup.add('Quoteflow slot and publication', async () => {
            const { slot, publication } = replicationNames(source);
            await dropSlot(db, slot);
            await db.raw('drop publication if exists ??', [publication]);
          });
        const child = await startQuoteflow({
          client,
          connection: connections[client],
          source,
          table,
          brokers,
          topics,
          ...(cpuProfileDir === undefined ? {} : { cpuProfileDir }),
        });
        cleanup.add('Quoteflow config', () => child.removeConfig());
        return child;
      },
      rowId: (_key, value) =>
        Number((JSON.parse(value?.toString() ?? '{}') as { sourceKey?: string }).sourceKey),
    }),
  };
}

function debeziumCandidate(client: Client, db: Knex, brokers: string[], build: DebeziumBuild): Candidate {
  const connector = client === 'postgres' ? 'postgres' : build === '3.5.0' ? 'mariadb' : 'mysql';
  return {
    label: `Debezium ${build} (${connector} connector, tuned)`,
    engine: (cleanup) => ({
      label: `Debezium ${build}`,
      start(table, topic): Promise<ChildEngine> {
        ensureDebeziumBuilt(build);
        const slot = client === 'postgres' ? unique('qf_bench_dbz') : undefined;
        if (slot !== undefined)
          cleanup.add('Debezium slot and publication', async () => {
            await dropSlot(db, slot);
            await db.raw('drop publication if exists ??', [slot]);
          });
        const { host, port, user, password, database } = connections[client];
        return Promise.resolve(
          startDebezium({
            build,
            connector,
            host,
            port,
            user,
            password,
            database,
            table,
            topic,
            bootstrapServers: brokers.join(','),
            settings: 'tuned',
            ...(slot === undefined ? { serverId: randomInt(0x50000000, 0x60000000) } : { slot }),
          }),
        );
      },
      rowId: (key) => Number((JSON.parse(key?.toString() ?? '{}') as { id?: number }).id),
    }),
  };
}

export async function compareEngines(options: {
  client: Client;
  db: Knex;
  kafka: Kafka;
  admin: Admin;
  brokers: string[];
  workload: Workload;
  runs: number;
  /** Which engines run: Quoteflow, Debezium (every build that applies), or both. */
  engines: 'both' | 'quoteflow' | 'debezium';
  cpuProfileDir?: string;
}): Promise<void> {
  const { client, db, kafka, admin, brokers, workload, runs } = options;
  const candidates = [
    ...(options.engines === 'debezium'
      ? []
      : [quoteflowCandidate(client, db, admin, brokers, options.cpuProfileDir)]),
    ...(options.engines === 'quoteflow'
      ? []
      : [
          debeziumCandidate(client, db, brokers, '3.6.1'),
          ...(client === 'mysql' ? [debeziumCandidate(client, db, brokers, '3.5.0')] : []),
        ]),
  ];
  console.log(
    `  side by side, log mode: ${fmt(workload.warmupRows)} warm-up rows, then ${fmt(workload.rows)} rows in transactions of ${workload.txRows} ` +
      `as fast as ${workload.writers} writers can (throughput = rows ÷ (last Kafka append − first commit)), then ${fmt(workload.pacedRows)} rows at ` +
      `${fmt(workload.pacedRate)} rows/s in transactions of ${workload.pacedTx}; latency = Kafka append time − commit`,
  );
  for (let run = 1; run <= runs; run++) {
    const figures = new Map<string, EngineFigures>();
    for (const candidate of candidates) {
      if (interrupt.aborted) return;
      const cleanup = new Cleanup();
      try {
        const result = await measureEngine(candidate.engine(cleanup), {
          db,
          kafka,
          admin,
          table: unique('qf_bench_dbz_t'),
          topic: unique('qf_bench_dbz_k'),
          groupId: unique('qf_bench_dbz_g'),
          workload,
          cleanup,
        });
        figures.set(candidate.label, result);
        console.log(
          `  run ${run} ${candidate.label.padEnd(44)} ${fmt(result.rowsPerSecond).padStart(7)} rows/s ` +
            `(written at ${fmt(result.writeRowsPerSecond)} rows/s); burst p50/p99 ${fmt(result.burstP50)}/${fmt(result.burstP99)} ms; ` +
            `paced p50/p99 ${fmt(result.pacedP50)}/${fmt(result.pacedP99)} ms; CPU ${result.cpuMsPerRow.toFixed(3)} ms/row; ` +
            `${fmt(result.valueBytes)} B/value; load ${load()}`,
        );
        if (result.settings !== undefined && run === 1) console.log(`      ${result.settings}`);
      } catch (error) {
        console.log(
          `  run ${run} ${candidate.label.padEnd(44)} FAILED: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        await cleanup.run();
      }
    }
    const quoteflow = figures.get(QUOTEFLOW);
    for (const candidate of candidates.filter((c) => c.label !== QUOTEFLOW)) {
      const debezium = figures.get(candidate.label);
      if (quoteflow === undefined || debezium === undefined) continue;
      console.log(
        `  run ${run} Quoteflow / ${candidate.label}: throughput ${(quoteflow.rowsPerSecond / debezium.rowsPerSecond).toFixed(2)} x ` +
          `(aim >= 1.5); burst p99 ${fmt(quoteflow.burstP99)} vs ${fmt(debezium.burstP99)} ms, ` +
          `paced p99 ${fmt(quoteflow.pacedP99)} vs ${fmt(debezium.pacedP99)} ms (aim: lower)`,
      );
    }
  }
}
