import { expect } from 'chai';
import fc from 'fast-check';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import type { InboundMessage } from '../../../processor/pipeline/messages.js';
import { StepTimer } from '../../../processor/pipeline/step-timer.js';
import type { TripSlotContext } from '../../../processor/pipeline/trip-slot.js';
import { TripSlot } from '../../../processor/pipeline/trip-slot.js';
import { MemoryTripStore } from '../../support/memory-trip-store.js';
import { defaultRules, resolve } from '../../support/resolve-helper.js';
import type { TripRecord } from '../../support/trip-arbitraries.js';
import { finalLiveRecords, history } from '../../support/trip-arbitraries.js';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-07-01T08:00:00Z');
const NOW = Date.parse('2026-08-01T00:00:00Z');

/** What happens to the slot's memory after a batch. */
type Release =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'before'; pickupAt: number }
  /** A rebalance: a new slot rebuilt from the store. */
  | { kind: 'rebuild' };

const release: fc.Arbitrary<Release> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 5, arbitrary: fc.constant({ kind: 'all' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: -2, max: 7 })
      .map((slot) => ({ kind: 'before' as const, pickupAt: BASE + slot * 1.5 * HOUR })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'rebuild' as const }) },
);

/** Consecutive arrivals of one kind, cut where the history ends a batch. */
function batches(arrivals: readonly TripRecord[], ends: ReadonlySet<number>): TripRecord[][] {
  const out: TripRecord[][] = [];
  let current: TripRecord[] = [];
  arrivals.forEach((record, index) => {
    if (current.length > 0 && current[0]?.kind !== record.kind) {
      out.push(current);
      current = [];
    }
    current.push(record);
    if (ends.has(index)) {
      out.push(current);
      current = [];
    }
  });
  if (current.length > 0) out.push(current);
  return out;
}

function messages(records: readonly TripRecord[], first: number): InboundMessage[] {
  return records.map((record, i) => ({
    offset: String(first + i),
    value: Buffer.from(JSON.stringify(record)),
  }));
}

const context = (store?: MemoryTripStore): TripSlotContext => ({
  rules: defaultRules,
  clock: new BucketClock('UTC'),
  timer: new StepTimer(),
  now: () => NOW,
  ...(store ? { memory: { reader: store, keepPastPickupMs: 2 * 24 * HOUR } } : {}),
});

/** Runs the batches through a slot, applying each journal to the store; returns the store. */
async function run(
  parts: readonly TripRecord[][],
  releases: readonly Release[],
  withMemory: boolean,
): Promise<MemoryTripStore> {
  const store = new MemoryTripStore();
  let slot = new TripSlot(0, context(withMemory ? store : undefined));
  let offset = 0;
  let watermark: number | undefined;
  for (const [index, records] of parts.entries()) {
    const kind = records[0]?.kind ?? 'quote';
    const topic = kind === 'quote' ? 'qf.quotes' : 'qf.bookings';
    const { journal } = await slot.processBatch(
      { topic, partition: 0, messages: messages(records, offset) },
      kind,
    );
    offset += records.length;
    store.apply(journal);
    watermark = journal.watermark ?? watermark;
    if (!withMemory) continue;
    const next = releases[index % releases.length] ?? { kind: 'none' };
    if (next.kind === 'all') slot.releaseBefore(Number.POSITIVE_INFINITY);
    else if (next.kind === 'before') slot.releaseBefore(next.pickupAt);
    else if (next.kind === 'rebuild') {
      slot = new TripSlot(0, context(store));
      await slot.restoreWindow([...store.tombstones.values()], watermark);
    }
  }
  return store;
}

function lines(store: MemoryTripStore) {
  const byId = <T extends { id: string }>(docs: Iterable<T>) =>
    [...docs].sort((a, b) => (a.id < b.id ? -1 : 1));
  return [
    ...byId(store.quotes.values()).map((doc) => ({ type: 'quote', id: doc.id, clusterId: doc.clusterId })),
    ...byId(store.bookings.values()).map((doc) => ({
      type: 'booking',
      id: doc.id,
      quoteId: doc.quoteId,
      clusterId: doc.clusterId,
    })),
  ];
}

function nonZero(
  rollups: ReadonlyMap<string, Record<string, number>>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [id, counts] of [...rollups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const kept = Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0));
    if (Object.keys(kept).length > 0) out[id] = kept;
  }
  return out;
}

describe('TripSlot memory (properties)', () => {
  describe('when records are released from memory and read back, or the slot is rebuilt, between batches', () => {
    it('should store what a slot holding everything stores, and what a from-scratch resolution finds', async () => {
      await fc.assert(
        fc.asyncProperty(history, fc.array(release, { minLength: 1, maxLength: 8 }), async (h, releases) => {
          const parts = batches(h.arrivals, h.batchEnds);
          const windowed = await run(parts, releases, true);
          const everything = await run(parts, releases, false);
          expect(lines(windowed)).to.deep.equal(resolve(finalLiveRecords(h.generated)));
          expect(lines(windowed)).to.deep.equal(lines(everything));
          expect([...windowed.clusters.values()].sort((a, b) => (a.id < b.id ? -1 : 1))).to.deep.equal(
            [...everything.clusters.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
          );
          expect(nonZero(windowed.rollups)).to.deep.equal(nonZero(everything.rollups));
          expect(windowed.tombstones).to.deep.equal(everything.tombstones);
        }),
        { numRuns: 1000 },
      );
    });
  });
});
