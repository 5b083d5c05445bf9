/**
 * bench/connectors: the connectors on Postgres and MariaDB, against baselines measured in the same
 * run: a plain SELECT of the same rows from the same database, and Debezium over the same rows.
 *
 *   npx tsx bench/connectors.ts [--rows 20000] [--db postgres|mysql] [--only catch-up|side-by-side]
 *                               [--runs 2] [--writers 4] [--engines both|quoteflow|debezium]
 *                               [--cpu-prof DIR]
 *   (default: both databases, both parts, the side-by-side part twice; needs `npm run services`,
 *   and Java 17 + Maven for Debezium: bench/debezium is built on first use)
 *
 * Catch-up (poll and log mode, in this process): an empty source table and the connector started
 * until it streams (so the slot or binlog position exists); the connector stopped, `rows` inserted
 * in transactions of 500, the connector started again, and the time from its start until a
 * consumer of the topic has every row. Latency: 5,000 more rows at 2,500 rows/s in transactions of
 * 25 while it streams, until the consumer saw each row (an upper bound of commit-to-acknowledged).
 *
 * Side by side (log mode; bench/cdc/): `quoteflow connectors` and the Debezium embedded engine
 * (bench/debezium), each a child process, one after the other on a fresh table of the same rows,
 * with the same workload: warm-up, a burst written as fast as `--writers` connections can, a paced run; times
 * from the broker's LogAppendTime. `--cpu-prof DIR` writes a CPU profile of the Quoteflow child.
 * Absolute numbers on a shared 2-core machine are noise; the ratios are the result. Everything a
 * run makes (tables, topics, slots, publications, groups) is removed, also after a failure or Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConnectorsService } from '../connectors/connectors-service.js';
import { replicationNames } from '../lib/config/replication-identity.js';
import { configSchema } from '../lib/config/schema.js';
import { createKafka } from '../lib/kafka/kafka-client.js';
import { ensureTopics } from '../lib/kafka/topics.js';
import { createLogger } from '../lib/logger.js';
import { createSourceDb } from '../lib/source-db.js';
import { compareEngines, load } from './cdc/compare-engines.js';
import { interrupt } from './cdc/side-by-side.js';
import {
  benchColumns,
  benchRow as row,
  connections,
  createBenchTable as createTable,
  percentile,
  utcNow,
  type Client,
} from './cdc/source-rows.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    db: { type: 'string' },
    only: { type: 'string' },
    runs: { type: 'string', default: '2' },
    writers: { type: 'string', default: '4' },
    engines: { type: 'string', default: 'both' },
    'cpu-prof': { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const WRITERS = Number(args.writers);
if (!(ROWS > 0 && RUNS > 0 && WRITERS > 0)) throw new Error('--rows, --runs and --writers: positive numbers');
if (args.db !== undefined && args.db !== 'postgres' && args.db !== 'mysql')
  throw new Error('--db: postgres or mysql');
const ENGINES = args.engines;
if (ENGINES !== 'both' && ENGINES !== 'quoteflow' && ENGINES !== 'debezium')
  throw new Error('--engines: both, quoteflow or debezium');
if (args.only !== undefined && args.only !== 'catch-up' && args.only !== 'side-by-side')
  throw new Error('--only: catch-up or side-by-side');
const TX_ROWS = 500;
/** The latency run: rows written at a steady rate in small transactions. */
const PACED_ROWS = 5000;
const PACED_RATE = 2500;
const PACED_TX = 25;
const logger = createLogger({ level: 'warn' });
const brokers = (process.env.QF_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** Baseline: the same number of rows read by one plain SELECT (best of three). */
async function selectBaseline(client: Client): Promise<number> {
  const db = createSourceDb({ client, connection: connections[client] });
  const table = unique('qf_bench_select');
  try {
    await createTable(db, table);
    const stamp = utcNow();
    await db.batchInsert(
      table,
      Array.from({ length: ROWS }, (_, i) => row(i + 1, stamp)),
      1000,
    );
    let best = 0;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const rows = (await db(table).select('*')) as unknown[];
      const seconds = (performance.now() - started) / 1000;
      best = Math.max(best, rows.length / seconds);
    }
    return best;
  } finally {
    await db.schema.dropTableIfExists(table);
    await db.destroy();
  }
}

interface ModeResult {
  /** How fast this run wrote the backlog into the source (context, not a limit of the connector). */
  writeRowsPerSecond: number;
  /** How long ConnectorsService.start took (offsets read, producer connected). */
  startupMs: number;
  /** Catch-up: backlog rows per second from connector start to the last row at the consumer. */
  rowsPerSecond: number;
  p50: number;
  p99: number;
}

async function connectorRun(client: Client, mode: 'poll' | 'log'): Promise<ModeResult> {
  const kafka = createKafka(configSchema.parse({ kafka: { brokers } }).kafka, logger);
  const db = createSourceDb({ client, connection: connections[client] });
  const table = unique('qf_bench_quotes');
  const source = unique('bench').replace(/_/g, '-');
  const topics = {
    quotes: unique('qf_bench_q'),
    bookings: unique('qf_bench_b'),
    dlq: unique('qf_bench_d'),
    offsets: unique('qf_bench_o'),
  };
  const admin = kafka.admin();
  await admin.connect();
  const spec = (name: string) => ({
    name,
    partitions: 6,
    replicationFactor: 1,
    cleanupPolicy: 'delete' as const,
    retentionMs: 3_600_000,
  });
  await ensureTopics(admin, [spec(topics.quotes), spec(topics.bookings), spec(topics.dlq)], logger);
  await createTable(db, table);

  const committedAt = new Map<number, number>();
  // Arrival times are kept for every paced row and matched with commit times at the end: a row can
  // reach the consumer before its INSERT returned to the writer (MariaDB ships the binlog event to
  // replicas before the InnoDB fsync and the client's OK), and such a row was once never counted.
  const pacedArrivedAt = new Map<number, number>();
  let backlogArrived = 0;
  let lastBacklogArrival = 0;
  const consumer = kafka.consumer({ groupId: unique('qf_bench_g'), maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.quotes, fromBeginning: true });
  const seen = new Set<number>();
  await consumer.run({
    eachBatch: ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const { sourceKey } = JSON.parse(message.value?.toString() ?? '{}') as { sourceKey: string };
        const id = Number(sourceKey);
        if (seen.has(id)) continue;
        seen.add(id);
        if (id <= ROWS) {
          backlogArrived++;
          lastBacklogArrival = now;
          continue;
        }
        pacedArrivedAt.set(id, now);
      }
      return Promise.resolve();
    },
  });

  const config = configSchema.parse({
    kafka: {
      brokers,
      topics: {
        quotes: { name: topics.quotes },
        bookings: { name: topics.bookings },
        dlq: { name: topics.dlq },
      },
    },
    connectors: { offsetsTopic: topics.offsets, httpPort: 0 },
    sources: [
      {
        name: source,
        client,
        mode,
        connection: connections[client],
        timezone: 'Europe/Rome',
        pollIntervalMs: 100,
        pollLookbackMs: 2000,
        batchSize: 2000,
        tables: { quotes: { table, columns: benchColumns } },
      },
    ],
  });
  const startStreaming = async () => {
    const started = await ConnectorsService.start({ config, kafka, logger });
    const deadline = Date.now() + 60_000;
    while (started.statuses()[0]?.phase !== 'streaming') {
      const status = started.statuses()[0];
      if (Date.now() > deadline)
        throw new Error(`${client} ${mode}: no streaming: ${status?.lastError ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return started;
  };
  const waitFor = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 300_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${client} ${mode}: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  // The slot or position exists from here on: what is written while stopped is a backlog.
  let service = await startStreaming();
  const result: ModeResult = { writeRowsPerSecond: 0, startupMs: 0, rowsPerSecond: 0, p50: NaN, p99: NaN };
  try {
    await service.stop();
    // 1. Throughput: a backlog of ROWS row changes written while the connector is stopped, then
    //    the time from its start until a consumer has every row.
    const writeStarted = performance.now();
    for (let start = 1; start <= ROWS; start += TX_ROWS) {
      const ids = Array.from({ length: Math.min(TX_ROWS, ROWS - start + 1) }, (_, i) => start + i);
      const stamp = utcNow();
      await db(table).insert(ids.map((id) => row(id, stamp)));
    }
    result.writeRowsPerSecond = ROWS / ((performance.now() - writeStarted) / 1000);
    const startCalled = performance.now();
    service = await ConnectorsService.start({ config, kafka, logger });
    // Start-up (Kafka metadata, reading the offsets topic through a consumer group) is reported
    // apart: it is paid once per start, not per row.
    const catchUpStarted = performance.now();
    result.startupMs = catchUpStarted - startCalled;
    await waitFor('the backlog', () => backlogArrived >= ROWS);
    result.rowsPerSecond = ROWS / ((lastBacklogArrival - catchUpStarted) / 1000);

    // 2. Latency: PACED_ROWS more rows at PACED_RATE rows/s in small transactions, each row's
    //    commit-to-consumer time.
    const paceStarted = performance.now();
    for (let sent = 0; sent < PACED_ROWS; sent += PACED_TX) {
      const ids = Array.from({ length: PACED_TX }, (_, i) => ROWS + 1 + sent + i);
      const stamp = utcNow();
      await db(table).insert(ids.map((id) => row(id, stamp)));
      const now = performance.now();
      for (const id of ids) committedAt.set(id, now);
      const due = paceStarted + ((sent + PACED_TX) * 1000) / PACED_RATE;
      if (due > performance.now())
        await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    }
    await waitFor('the paced rows', () => pacedArrivedAt.size >= PACED_ROWS);
    const latencies = [...pacedArrivedAt].map(([id, at]) => at - (committedAt.get(id) ?? NaN));
    latencies.sort((x, y) => x - y);
    result.p50 = percentile(latencies, 50);
    result.p99 = percentile(latencies, 99);
  } finally {
    await service.stop();
    await consumer.disconnect();
    if (mode === 'log' && client === 'postgres') {
      const { slot, publication } = replicationNames(source);
      await db
        .raw(
          'select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ? and not active',
          [slot],
        )
        .catch(() => undefined);
      await db.raw('drop publication if exists ??', [publication]);
    }
    await db.schema.dropTableIfExists(table);
    await db.destroy();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect();
  }
  return result;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    // Every wait of the side-by-side part checks this, so Ctrl-C (or a timeout's SIGTERM) still
    // runs its cleanup.
    interrupt.aborted = true;
  });
console.log(`bench/connectors: ${fmt(ROWS)} rows per measurement; load average ${load()}`);
for (const client of (['postgres', 'mysql'] as const).filter((c) => args.db === undefined || c === args.db)) {
  if (interrupt.aborted) break;
  console.log(`\n${client === 'mysql' ? 'MariaDB' : 'Postgres'}:`);
  if (args.only !== 'side-by-side') {
    const baseline = await selectBaseline(client);
    console.log(`  baseline plain SELECT of the same rows: ${fmt(baseline)} rows/s`);
    for (const mode of ['poll', 'log'] as const) {
      const result = await connectorRun(client, mode);
      console.log(
        `  catch-up ${mode.padEnd(4)} mode: ${fmt(result.rowsPerSecond).padStart(7)} row changes/s ` +
          `(${(result.rowsPerSecond / baseline).toFixed(3)} x SELECT; backlog of ${fmt(ROWS)} in transactions of ${TX_ROWS} written at ${fmt(result.writeRowsPerSecond)} rows/s; ` +
          `start-up ${fmt(result.startupMs)} ms); ` +
          `at ${fmt(PACED_RATE)} rows/s commit-to-consumer latency p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms; load ${load()}`,
      );
    }
  }
  if (args.only !== 'catch-up') {
    const kafka = createKafka(configSchema.parse({ kafka: { brokers } }).kafka, logger);
    const admin = kafka.admin();
    await admin.connect();
    const db = createSourceDb({ client, connection: connections[client] });
    try {
      await compareEngines({
        client,
        db,
        kafka,
        admin,
        brokers,
        workload: {
          warmupRows: 5000,
          rows: ROWS,
          txRows: 100,
          writers: WRITERS,
          pacedRows: 5000,
          pacedRate: 2500,
          pacedTx: 25,
        },
        runs: RUNS,
        engines: ENGINES,
        ...(args['cpu-prof'] === undefined ? {} : { cpuProfileDir: args['cpu-prof'] }),
      });
    } finally {
      await db.destroy();
      await admin.disconnect();
    }
  }
}
console.log(
  `\naims: log mode >= 20,000 row changes/s (issue 4, 16); Quoteflow >= 1.5 x Debezium's throughput with a lower p99 (issue 16); load average ${load()}`,
);
