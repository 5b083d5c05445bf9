import { QuoteflowError } from '../../lib/errors.js';
import type { BookingUpsert, QuoteUpsert, RecordDelete } from '../../lib/records/canonical.js';
import { validateRecord } from '../../lib/records/validate-record.js';
import { supersedes } from '../core/cdc.js';
import type { BucketClock } from '../core/kpi/buckets.js';
import { batchDelta } from '../core/kpi/contributions.js';
import { RollupDelta } from '../core/kpi/rollup-delta.js';
import { describeIssues } from '../core/parse-trip-record.js';
import { Resolver } from '../core/resolver.js';
import type { TripChange } from '../core/resolver.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { toTripChange } from '../core/trip-change.js';
import type { BatchChanges } from '../core/views.js';
import type { BookingDoc, Journal, QuoteDoc, TombstoneDoc } from '../store/documents.js';
import { bookingDoc, clusterDoc, emptyJournal, quoteDoc, tombstoneId } from '../store/documents.js';
import type { DlqEntry, InboundBatch, InboundMessage } from './messages.js';
import { dlqEntry, parseJson } from './messages.js';
import type { StepTimer } from './step-timer.js';
import { TripMemory } from './trip-memory.js';
import type { TripStoreReader } from './trip-store-reader.js';

export interface TripSlotContext {
  rules: ResolutionRules;
  clock: BucketClock;
  timer: StepTimer;
  /** Processing time, for tombstones' `deletedAt` (injected by tests). Default Date.now. */
  now?: () => number;
  /**
   * Where records not held in memory are read from (TripMemory). Without it the slot keeps every
   * record it is given in memory, as `quoteflow resolve` and the benchmarks' baselines do.
   */
  memory?: { reader: TripStoreReader; keepPastPickupMs: number };
}

/** One message of a batch after validation and normalisation, before CDC. */
type Parsed =
  | { ok: false; message: InboundMessage; reason: string }
  | { ok: true; message: InboundMessage; record: TripRecord; change: TripChange | { error: string } };

type TripRecord = QuoteUpsert | BookingUpsert | RecordDelete;

export interface TripBatchResult {
  journal: Journal;
  dlq: DlqEntry[];
  /** Records that changed the state; the rest were replays or older versions. */
  applied: number;
}

/**
 * The quotes and bookings of one partition number (partition N of qf.quotes and of qf.bookings,
 * keyed alike) and their resolution state. Built from the stored documents when the partition is
 * assigned; each batch runs validate → cdc → normalise → resolve (duplicates and matches) → rollup
 * and comes out as one journal of documents and rollup deltas to write.
 */
export class TripSlot {
  readonly resolver: Resolver;
  private readonly records = new Map<string, QuoteUpsert | BookingUpsert>();
  /** When each tombstone of the slot was made (epoch ms), by `kind:id`; undated ones never expire. */
  private readonly deletedAt = new Map<string, { kind: 'quote' | 'booking'; id: string; at: number }>();

  /** Present when the slot keeps only what new records can join (context.memory). */
  private readonly memory: TripMemory | undefined;

  constructor(
    readonly partition: number,
    private readonly context: TripSlotContext,
  ) {
    this.resolver = new Resolver(context.rules);
    if (context.memory) {
      this.memory = new TripMemory(
        { partition, rules: context.rules, now: context.now, ...context.memory },
        this.resolver,
        this.records,
      );
    }
  }

  /**
   * Rebuilds a slot that reads from the store: its tombstones, and the records from the floor on
   * (TripMemory.restore). `watermark`: the one its last journal kept; undefined when nothing was
   * ever processed here.
   */
  async restoreWindow(
    tombstones: readonly TombstoneDoc[],
    watermark: number | undefined,
  ): Promise<{ quotes: number; bookings: number }> {
    if (!this.memory) throw new Error('restoreWindow needs context.memory');
    this.restore([], [], tombstones);
    return this.memory.restore(watermark);
  }

  /** Restores stored state: live documents and tombstones (order does not matter). */
  restore(
    quotes: readonly QuoteDoc[],
    bookings: readonly BookingDoc[],
    tombstones: readonly TombstoneDoc[],
  ): void {
    for (const doc of [...quotes, ...bookings]) {
      this.records.set(`${doc.kind}:${doc.id}`, doc);
      this.resolver.apply(toTripChange(doc, this.context.rules));
    }
    for (const stone of tombstones) {
      this.resolver.apply({
        kind: stone.kind,
        id: stone.recordId,
        version: stone.version,
        record: null,
      });
      const at = stone.deletedAt === undefined ? NaN : Date.parse(stone.deletedAt);
      if (!Number.isNaN(at)) {
        this.deletedAt.set(`${stone.kind}:${stone.recordId}`, { kind: stone.kind, id: stone.recordId, at });
      }
    }
  }

  /** Releases from memory every record group whose pickups all lie before `pickupAt` (TripMemory). */
  releaseBefore(pickupAt: number): number {
    return this.memory?.releaseBefore(pickupAt) ?? 0;
  }

  /**
   * Forgets the deletes made before `cutoff` (epoch ms) and returns the ids of their tombstone
   * documents, to be removed from the store. Past the retention no older version of the record
   * can still arrive from Kafka, so the mark has done its work.
   */
  expireTombstones(cutoff: number): string[] {
    const expired: string[] = [];
    for (const [key, { kind, id, at }] of this.deletedAt) {
      if (at >= cutoff) continue;
      this.resolver.forget(kind, id);
      this.deletedAt.delete(key);
      expired.push(tombstoneId(kind, id, this.partition));
    }
    return expired;
  }

  async processBatch(batch: InboundBatch, kind: 'quote' | 'booking'): Promise<TripBatchResult> {
    const { timer } = this.context;
    const { memory } = this;
    const parsed = batch.messages.map((message) => this.parse(batch, message, kind));
    if (memory) {
      const changes = parsed.flatMap((item) => (item.ok && 'kind' in item.change ? [item.change] : []));
      await timer.timeAsync('load', () => memory.loadFor(kind, changes));
    }
    const result = this.resolveBatch(batch, kind, parsed);
    if (memory) {
      const watermark = memory.watermark;
      if (watermark !== undefined) result.journal.watermark = watermark;
      timer.time('release', () => memory.release());
    }
    return result;
  }

  /** validate (JSON, schema, kind), then normalise; the CDC decision comes later. */
  private parse(batch: InboundBatch, message: InboundMessage, kind: 'quote' | 'booking'): Parsed {
    const { timer, rules } = this.context;
    const valid = timer.time('validate', () => {
      const parsed = parseJson(message);
      if (!parsed.ok) return parsed;
      const validation = validateRecord(parsed.value);
      if (!validation.ok) return { ok: false as const, reason: describeIssues(validation.issues) };
      const record = validation.record;
      if (record.kind !== kind)
        return { ok: false as const, reason: `kind: must be "${kind}" on ${batch.topic}` };
      return { ok: true as const, record };
    });
    if (!valid.ok) return { ok: false, message, reason: valid.reason };
    const record = valid.record;
    const change = timer.time('normalise', () => {
      try {
        return toTripChange(record, rules);
      } catch (error) {
        // Only data the rules cannot read (a QuoteflowError such as RECORD_INVALID) is a dead
        // letter; anything else (a TypeError) is a bug and must surface, not turn data into DLQ.
        if (!(error instanceof QuoteflowError) || error.retriable) throw error;
        return { error: error.message };
      }
    });
    return { ok: true, message, record, change };
  }

  private resolveBatch(
    batch: InboundBatch,
    kind: 'quote' | 'booking',
    parsed: readonly Parsed[],
  ): TripBatchResult {
    const { timer } = this.context;
    const dlq: DlqEntry[] = [];
    const touched = new Map<string, TripChange>();
    /** Records whose tombstone is in the store: deleted before this batch first touched them. */
    const tombstoned = new Set<string>();
    const now = (this.context.now ?? Date.now)();
    let applied = 0;
    this.resolver.beginBatch();
    for (const item of parsed) {
      if (!item.ok) {
        dlq.push(dlqEntry(batch, item.message, item.reason));
        continue;
      }
      const { record, change } = item;
      const fresh = timer.time('cdc', () =>
        supersedes(
          { version: record.version, deleted: record.op === 'delete' },
          this.resolver.mark(kind, record.id),
        ),
      );
      if (!fresh) continue;
      // A record normalisation refuses goes to the DLQ only when it is new: an old version is ignored.
      if (!('kind' in change)) {
        dlq.push(dlqEntry(batch, item.message, change.error));
        continue;
      }
      const key = `${kind}:${record.id}`;
      if (!touched.has(key) && this.resolver.mark(kind, record.id)?.deleted) tombstoned.add(key);
      timer.time('resolve', () => this.resolver.apply(change));
      if (change.record) this.memory?.observe(change.record);
      applied++;
      touched.set(key, change);
      if (record.op === 'upsert') {
        this.records.set(key, record);
        this.deletedAt.delete(key);
      } else {
        this.records.delete(key);
        this.deletedAt.set(key, { kind, id: record.id, at: now });
      }
    }
    const changes = this.resolver.endBatch();
    const last = batch.messages.at(-1)?.offset ?? '-1';
    const journal = emptyJournal(
      `trip:${this.partition}`,
      `${batch.topic}:${batch.partition}`,
      Number(last),
      this.partition,
    );
    timer.time('rollup', () => {
      const delta = batchDelta(new RollupDelta(), this.context.clock, changes);
      journal.rollups = [...delta.entries].map(([id, entry]) => ({
        id,
        key: entry.key,
        counts: Object.fromEntries(entry.counts),
      }));
    });
    this.fillDocuments(journal, changes, touched, tombstoned, new Date(now).toISOString());
    return { journal, dlq, applied };
  }

  private fillDocuments(
    journal: Journal,
    changes: BatchChanges,
    touched: ReadonlyMap<string, TripChange>,
    tombstoned: ReadonlySet<string>,
    deletedAt: string,
  ): void {
    const { partition } = this;
    for (const [id, { before, after }] of changes.quotes) {
      const record = this.records.get(`quote:${id}`);
      if (after && record?.kind === 'quote') journal.quotes.put.push(quoteDoc(record, after, partition));
      else if (before) journal.quotes.remove.push(id);
    }
    for (const [id, { before, after }] of changes.bookings) {
      const record = this.records.get(`booking:${id}`);
      if (after && record?.kind === 'booking')
        journal.bookings.put.push(bookingDoc(record, after, partition));
      else if (before) journal.bookings.remove.push(id);
    }
    const kept = new Set(changes.clusters.after.map((view) => view.id));
    journal.clusters.put = changes.clusters.after.map((view) => clusterDoc(view, partition));
    journal.clusters.remove = [...new Set(changes.clusters.before.map((view) => view.id))].filter(
      (id) => !kept.has(id),
    );
    for (const [key, change] of touched) {
      const id = tombstoneId(change.kind, change.id, partition);
      if (change.record === null) {
        journal.tombstones.put.push({
          id,
          partition,
          kind: change.kind,
          recordId: change.id,
          version: change.version,
          deletedAt,
        });
      } else if (tombstoned.has(key)) {
        journal.tombstones.remove.push(id);
      }
    }
  }
}
