/**
 * A year of history through one trip slot, on the real RethinkDB (issue 10: "memory bounded by
 * the rules' windows"). Quotes and bookings spread over `--days` (default 365) arrive in time
 * order, as a broker's database produces them, and go through the processor's own steps:
 * TripSlot (memory from the floor on, reads on demand) → journal → apply → sync.
 *
 *   npx tsx --expose-gc bench/processor-history.ts [--quotes 100000] [--days 365]
 *
 * Prints, at each tenth of the stream, the records held in memory and the heap after a full GC,
 * beside the same for a slot that keeps everything (the processor before this change: same
 * batches, resolve only, in the same run); then the rebuild time on assignment (the window
 * through partition_pickupAt, pages) beside loading the whole partition (the old rebuild).
 */
import r from 'rethinkdb';
import { parseConfig } from '../lib/config/load-config.js';
import { migrate } from '../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../lib/rethinkdb/tables.js';
import { BucketClock } from '../processor/core/kpi/buckets.js';
import { resolutionRules } from '../lib/resolution/rules.js';
import { StepTimer } from '../processor/pipeline/step-timer.js';
import type { TripSlotContext } from '../processor/pipeline/trip-slot.js';
import { TripSlot } from '../processor/pipeline/trip-slot.js';
import { ProcessorStore } from '../processor/store/processor-store.js';
import { services, uniqueName } from '../test/support/services.js';
import { silentLogger } from '../test/support/silent-logger.js';
import type { TripRecord } from '../test/support/trip-arbitraries.js';
import { generateWorkload } from '../test/support/trip-workload.js';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: must be a positive number`);
  return value;
}

const quotes = argument('quotes', 100_000);
const days = argument('days', 365);
const BATCH = 2000;
const DAY = 86_400_000;

const gc = (globalThis as { gc?: () => void }).gc;
function heapMb(): number {
  gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e5) / 10;
}

/** Time order, as a database's log would give it; a delete stays after what came before it. */
function chronological(records: readonly TripRecord[]): TripRecord[] {
  let last = 0;
  const timed = records.map((record, index) => {
    if (record.op === 'upsert')
      last = Date.parse(record.kind === 'quote' ? record.quotedAt : record.bookedAt);
    return { record, at: last, index };
  });
  timed.sort((a, b) => a.at - b.at || a.index - b.index);
  return timed.map((item) => item.record);
}

/**
 * Batches as the processor gets them from two topics: quotes and bookings each in time order, up
 * to BATCH at a time, taking turns.
 */
function batches(records: readonly TripRecord[]): TripRecord[][] {
  const out: TripRecord[][] = [];
  const pending = { quote: [] as TripRecord[], booking: [] as TripRecord[] };
  const flush = () => {
    for (const kind of ['quote', 'booking'] as const) {
      if (pending[kind].length > 0) out.push(pending[kind]);
      pending[kind] = [];
    }
  };
  for (const record of records) {
    pending[record.kind].push(record);
    if (pending[record.kind].length >= BATCH) flush();
  }
  flush();
  return out;
}

function memoryHeld(slot: TripSlot): number {
  return [...slot.resolver.quoteIds()].length + [...slot.resolver.bookingIds()].length;
}

interface Checkpoint {
  records: number;
  held: number;
  heapMb: number;
  watermark: number | undefined;
}

async function stream(
  parts: readonly TripRecord[][],
  slot: TripSlot,
  store: ProcessorStore | undefined,
  total: number,
): Promise<{ checkpoints: Checkpoint[]; ms: number; watermark: number | undefined }> {
  const checkpoints: Checkpoint[] = [];
  let done = 0;
  let next = total / 10;
  let offset = 0;
  let watermark: number | undefined;
  const started = Date.now();
  for (const records of parts) {
    const kind = records[0]?.kind ?? 'quote';
    const messages = records.map((record) => ({
      offset: String(offset++),
      value: Buffer.from(JSON.stringify(record)),
    }));
    const { journal } = await slot.processBatch({ topic: `qf.${kind}s`, partition: 0, messages }, kind);
    watermark = journal.watermark ?? watermark;
    if (store) {
      await store.writeJournal(journal);
      await store.applyJournal(journal);
      await store.syncApplied();
    }
    done += records.length;
    if (done >= next) {
      checkpoints.push({ records: done, held: memoryHeld(slot), heapMb: heapMb(), watermark });
      next += total / 10;
    }
  }
  return { checkpoints, ms: Date.now() - started, watermark };
}

async function main(): Promise<void> {
  if (!gc) console.log('(run with `npx tsx --expose-gc` for heap figures after a full GC)');
  const db = uniqueName('qf_bench_history');
  const { config } = parseConfig('', {
    QF_RETHINKDB_URL: `${services.rethinkdbUrl.replace(/\/[^/]*$/, '')}/${db}`,
  });
  const client = RethinkdbClient.fromConfig(config.rethinkdb, silentLogger);
  await migrate(client, TABLES, silentLogger);
  const store = new ProcessorStore(client);
  const version = (await client.run(
    r.db('rethinkdb').table('server_status').nth(0)('process')('version'),
  )) as string;
  try {
    // Pickups end a month before today: the slot caps record times at a day after processing time.
    const start = Date.now() - (days + 30) * DAY;
    const records = chronological(generateWorkload({ quotes, seed: 7, days, start }));
    const parts = batches(records);
    console.log(
      `a year of history: ${records.length} records (${quotes} quotes, pickups over ${days} days), ${version}`,
    );
    const context = (): TripSlotContext => ({
      rules: resolutionRules(config.resolution),
      clock: new BucketClock('UTC'),
      timer: new StepTimer(),
    });
    const keepPastPickupMs = config.processor.keepPastPickupDays * DAY;

    let windowed: TripSlot | undefined = new TripSlot(0, {
      ...context(),
      memory: { reader: store.tripReader, keepPastPickupMs },
    });
    const run = await stream(parts, windowed, store, records.length);
    const heldAtEnd = memoryHeld(windowed);
    windowed = undefined;
    heapMb();

    let everything: TripSlot | undefined = new TripSlot(0, context());
    const baseline = await stream(parts, everything, undefined, records.length);
    everything = undefined;
    heapMb();

    console.log('  records in   held in memory (all kept)   heap MB after GC (all kept)');
    run.checkpoints.forEach((point, i) => {
      const base = baseline.checkpoints[i];
      console.log(
        `  ${String(point.records).padStart(9)}   ${String(point.held).padStart(7)} (${String(base?.held ?? '?').padStart(7)})` +
          `          ${String(point.heapMb).padStart(7)} (${String(base?.heapMb ?? '?').padStart(7)})`,
      );
    });
    const last = run.checkpoints.at(-1);
    const lastBase = baseline.checkpoints.at(-1);
    if (last && lastBase) {
      console.log(`  ratio held at the end, windowed / all kept: ${(last.held / lastBase.held).toFixed(3)}`);
      console.log(
        `  ratio heap at the end, windowed / all kept: ${(last.heapMb / lastBase.heapMb).toFixed(3)}`,
      );
    }
    console.log(
      `  streamed with writes: ${Math.round((records.length / run.ms) * 1000)} records/s; held at the end: ${heldAtEnd}`,
    );

    // A rebalance late in the year (at the ninth tenth of the stream: at the very end every pickup
    // is past and the window is empty), against the store as it is at the end.
    const t0 = Date.now();
    const rebuilt = new TripSlot(0, { ...context(), memory: { reader: store.tripReader, keepPastPickupMs } });
    const at = run.checkpoints.at(-2)?.watermark ?? run.watermark;
    const loaded = await rebuilt.restoreWindow(await store.loadTombstones(0), at);
    const windowMs = Date.now() - t0;
    const t1 = Date.now();
    const whole = new TripSlot(0, context());
    const all = await store.loadPartition(0);
    whole.restore(all.quotes, all.bookings, all.tombstones);
    const wholeMs = Date.now() - t1;
    console.log(
      `  rebuild on assignment (floor at ${at === undefined ? '-' : new Date(at).toISOString().slice(0, 10)} minus ${config.processor.keepPastPickupDays} days): window ${windowMs} ms (${loaded.quotes} quotes, ${loaded.bookings} bookings read, ` +
        `${memoryHeld(rebuilt)} held); whole partition (baseline) ${wholeMs} ms (${all.quotes.length + all.bookings.length}); ` +
        `ratio ${(windowMs / wholeMs).toFixed(3)}`,
    );
  } finally {
    await client.run(r.dbDrop(db)).catch(() => undefined);
    await client.close();
  }
}

await main();
