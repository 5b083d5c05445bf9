/**
 * One CDC engine (Quoteflow's connectors in log mode, or Debezium) measured on one database with the
 * workload every engine gets (shared/debezium.md):
 *
 * - a fresh table, and a fresh one-partition topic with `message.timestamp.type=LogAppendTime`, so
 *   every message carries the broker's append time;
 * - the engine started, then a probe row written every second until one reaches Kafka (the engine
 *   streams from there on: nothing written later can be missed);
 * - warm-up: `warmupRows` in transactions of `txRows`, until all are on Kafka (JIT, connections);
 * - burst: `rows` in transactions of `txRows`, written as fast as `writers` connections can; throughput =
 *   rows ÷ (last Kafka append − first commit), latency = append time − the row's commit time
 *   (when its COMMIT returned to the writer);
 * - paced: `pacedRows` at `pacedRate` rows/s in transactions of `pacedTx`: latency alone.
 *
 * Commit and append times are both wall-clock times of this machine. The engine's own CPU time
 * (from /proc) over the burst is reported per row.
 */
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { ChildEngine } from './child-engine.js';
import { benchRow, createBenchTable, percentile, utcNow } from './source-rows.js';

export interface Workload {
  warmupRows: number;
  rows: number;
  txRows: number;
  /**
   * Connections writing the burst at once. One writer on the loaded shared machine committed fewer
   * rows/s than either engine streams, so the burst measured the writer: several keep a backlog.
   */
  writers: number;
  pacedRows: number;
  pacedRate: number;
  pacedTx: number;
}

export interface EngineFigures {
  /** How fast the single writer committed the burst (an engine cannot look faster than this). */
  writeRowsPerSecond: number;
  rowsPerSecond: number;
  burstP50: number;
  burstP99: number;
  pacedP50: number;
  pacedP99: number;
  /** The engine process's CPU (user + system) per row over the burst, in ms. */
  cpuMsPerRow: number;
  /** Mean bytes of one message value on Kafka. */
  valueBytes: number;
  /** The `settings: …` line the engine printed, if it prints one (Debezium). */
  settings?: string;
}

export interface EngineUnderTest {
  label: string;
  /** Starts the engine on the table, producing to the topic. */
  start(table: string, topic: string): Promise<ChildEngine>;
  /** The source row id a message carries. */
  rowId(key: Buffer | null, value: Buffer | null): number;
}

const PROBE_BASE = 1_000_000_000;

/** Set by Ctrl-C: every wait gives up, so the caller's cleanup runs. */
export const interrupt = { aborted: false };

async function waitFor(
  what: string,
  done: () => boolean,
  engine: ChildEngine,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (interrupt.aborted) throw new Error(`interrupted while waiting for ${what}`);
    if (engine.exited()) throw new EngineFailed(engine);
    if (Date.now() > deadline)
      throw new Error(`${engine.label}: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The engine stopped on its own: its `FAILED: …` line, else the end of its output. */
export class EngineFailed extends Error {
  constructor(engine: ChildEngine) {
    const failed = engine.line(/^FAILED: /);
    super(`${engine.label} stopped: ${failed ?? engine.log().trim().split('\n').slice(-5).join(' | ')}`);
  }
}

function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime and stime, in
    // clock ticks of 10 ms (USER_HZ is 100 on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Cleanup steps, run in reverse order, each on its own so one failing leaves none of the rest behind. */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<unknown> }[] = [];

  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  async run(): Promise<void> {
    for (const { what, run } of this.steps.reverse()) {
      try {
        await run();
      } catch (error) {
        console.error(`  cleanup: ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.steps.length = 0;
  }
}

export async function measureEngine(
  engineUnderTest: EngineUnderTest,
  deps: {
    db: Knex;
    kafka: Kafka;
    admin: Admin;
    table: string;
    topic: string;
    groupId: string;
    workload: Workload;
    cleanup: Cleanup;
  },
): Promise<EngineFigures> {
  const { db, kafka, admin, table, topic, groupId, workload, cleanup } = deps;
  await createBenchTable(db, table);
  cleanup.add(`table ${table}`, () => db.schema.dropTableIfExists(table));
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: [
          { name: 'message.timestamp.type', value: 'LogAppendTime' },
          { name: 'retention.ms', value: '3600000' },
        ],
      },
    ],
  });
  cleanup.add(`topic ${topic}`, () => admin.deleteTopics({ topics: [topic] }));

  const appendedAt = new Map<number, number>();
  let valueBytes = 0;
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await consumer.connect();
  cleanup.add(`consumer group ${groupId}`, async () => {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  });
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: ({ batch }) => {
      for (const message of batch.messages) {
        const id = engineUnderTest.rowId(message.key, message.value);
        if (appendedAt.has(id)) continue;
        appendedAt.set(id, Number(message.timestamp));
        valueBytes += message.value?.length ?? 0;
      }
      return Promise.resolve();
    },
  });

  const engine = await engineUnderTest.start(table, topic);
  cleanup.add(`stop ${engine.label}`, () => engine.stop());

  // A probe row a second until one is on Kafka: the engine streams from there on.
  const probed = (count: number) =>
    Array.from({ length: count }, (_, n) => PROBE_BASE + n).some((id) => appendedAt.has(id));
  const probeDeadline = Date.now() + 240_000;
  for (let probes = 0; !probed(probes);) {
    if (Date.now() > probeDeadline) throw new Error(`${engine.label}: nothing streamed within 240 s`);
    await db(table).insert(benchRow(PROBE_BASE + probes++, utcNow()));
    const next = Date.now() + 1000;
    await waitFor('a probe row on Kafka', () => probed(probes) || Date.now() > next, engine, 5000);
  }

  const commitAt = new Map<number, number>();
  let nextId = 1;
  /** `rows` new rows in transactions of `txRows` from `writers` connections at once, at most `rate` rows/s. */
  const writeTransactions = async (
    rows: number,
    txRows: number,
    { writers = 1, rate }: { writers?: number; rate?: number },
  ) => {
    const started = Date.now();
    const from = nextId;
    const to = from + rows - 1;
    nextId += rows;
    let next = from;
    const writer = async () => {
      while (next <= to) {
        if (interrupt.aborted) throw new Error('interrupted');
        const first = next;
        const ids = Array.from({ length: Math.min(txRows, to - first + 1) }, (_, i) => first + i);
        next += ids.length;
        const stamp = utcNow();
        await db(table).insert(ids.map((id) => benchRow(id, stamp)));
        const committed = Date.now();
        for (const id of ids) commitAt.set(id, committed);
        if (rate !== undefined) {
          const due = started + ((first - from + ids.length) * 1000) / rate;
          if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    return { from, to, ms: Date.now() - started };
  };
  const arrived = (range: { from: number; to: number }) => () => {
    for (let id = range.to; id >= range.from; id--) if (!appendedAt.has(id)) return false;
    return true;
  };
  const latencies = (range: { from: number; to: number }) => {
    const values: number[] = [];
    for (let id = range.from; id <= range.to; id++)
      values.push((appendedAt.get(id) ?? NaN) - (commitAt.get(id) ?? NaN));
    return values.sort((a, b) => a - b);
  };

  const warmup = await writeTransactions(workload.warmupRows, workload.txRows, { writers: workload.writers });
  await waitFor('the warm-up rows', arrived(warmup), engine, 300_000);

  const cpuBefore = cpuMs(engine.pid());
  const bytesBefore = valueBytes;
  const burst = await writeTransactions(workload.rows, workload.txRows, { writers: workload.writers });
  await waitFor('the burst rows', arrived(burst), engine, 600_000);
  const cpuAfter = cpuMs(engine.pid());
  const burstBytes = valueBytes - bytesBefore;
  let lastAppend = 0;
  for (let id = burst.from; id <= burst.to; id++) lastAppend = Math.max(lastAppend, appendedAt.get(id) ?? 0);
  let firstCommit = Infinity;
  for (let id = burst.from; id <= burst.to; id++)
    firstCommit = Math.min(firstCommit, commitAt.get(id) ?? Infinity);
  const burstLatencies = latencies(burst);

  const paced = await writeTransactions(workload.pacedRows, workload.pacedTx, { rate: workload.pacedRate });
  await waitFor('the paced rows', arrived(paced), engine, 300_000);
  const pacedLatencies = latencies(paced);

  return {
    writeRowsPerSecond: workload.rows / (burst.ms / 1000),
    rowsPerSecond: workload.rows / ((lastAppend - firstCommit) / 1000),
    burstP50: percentile(burstLatencies, 50),
    burstP99: percentile(burstLatencies, 99),
    pacedP50: percentile(pacedLatencies, 50),
    pacedP99: percentile(pacedLatencies, 99),
    cpuMsPerRow: (cpuAfter - cpuBefore) / workload.rows,
    valueBytes: burstBytes / workload.rows,
    ...(engine.line(/^settings: /) === undefined ? {} : { settings: engine.line(/^settings: /) }),
  };
}
