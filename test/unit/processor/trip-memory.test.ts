import { expect } from 'chai';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import { StepTimer } from '../../../processor/pipeline/step-timer.js';
import { TripSlot } from '../../../processor/pipeline/trip-slot.js';
import { MemoryTripStore } from '../../support/memory-trip-store.js';
import { defaultRules } from '../../support/resolve-helper.js';
import type { TripRecord } from '../../support/trip-arbitraries.js';
import { booking, quote, remove } from '../../support/trip-records.js';

const DAY = 86_400_000;

function slotOver(store: MemoryTripStore): TripSlot {
  return new TripSlot(0, {
    rules: defaultRules,
    clock: new BucketClock('UTC'),
    timer: new StepTimer(),
    memory: { reader: store, keepPastPickupMs: 2 * DAY },
  });
}

let offset = 0;
async function feed(
  slot: TripSlot,
  store: MemoryTripStore,
  kind: 'quote' | 'booking',
  records: TripRecord[],
) {
  const messages = records.map((record) => ({
    offset: String(offset++),
    value: Buffer.from(JSON.stringify(record)),
  }));
  const result = await slot.processBatch({ topic: `qf.${kind}s`, partition: 0, messages }, kind);
  store.apply(result.journal);
  return result;
}

describe('TripSlot memory', () => {
  describe('when the quote a released booking matched is deleted', () => {
    it("should read the booking's other candidates back and match the next best", async () => {
      const store = new MemoryTripStore();
      const slot = slotOver(store);
      // b matches q by email and q2 by name; q and q2 share no customer key (not duplicates) and
      // their pickups are two blocks apart, so q2 lies around b but not around q.
      const ids = { email: 'anna@example.com', phone: null };
      await feed(slot, store, 'quote', [
        quote('q', {
          customer: { ...ids, name: null },
          pickup: { station: 'BGY', at: '2026-07-01T08:00:00Z' },
        }),
        quote('q2', {
          customer: { email: null, phone: null, name: 'Anna Bianchi' },
          pickup: { station: 'BGY', at: '2026-07-01T13:00:00Z' },
          carGroup: 'CDMR',
        }),
      ]);
      await feed(slot, store, 'booking', [
        booking('b', {
          customer: { ...ids, name: 'Anna Bianchi' },
          pickup: { station: 'BGY', at: '2026-07-01T10:30:00Z' },
          dropoff: { station: 'BGY', at: '2026-07-11T05:36:00Z' },
        }),
      ]);
      expect(store.bookings.get('rentalcars:b')?.quoteId, 'same car group first').to.equal('rentalcars:q');

      expect(slot.releaseBefore(Number.POSITIVE_INFINITY)).to.equal(3);
      await feed(slot, store, 'quote', [remove('quote', 'rentalcars:q', 2)]);
      expect(store.bookings.get('rentalcars:b')?.quoteId).to.equal('rentalcars:q2');
      expect(store.reads.get('recordsOnPickupDays')).to.be.greaterThan(0);
    });
  });

  describe('when the newest record time moves on by more than a day', () => {
    it('should release the groups whose pickups lie before it, and keep the rest', async () => {
      const store = new MemoryTripStore();
      const slot = slotOver(store);
      await feed(slot, store, 'quote', [
        quote('old', {
          quotedAt: '2026-06-01T10:00:00Z',
          pickup: { station: 'BGY', at: '2026-06-03T10:00:00Z' },
        }),
        quote('future', {
          quotedAt: '2026-06-01T10:00:00Z',
          pickup: { station: 'BGY', at: '2026-07-20T10:00:00Z' },
        }),
      ]);
      // Quoted on 10 June: the floor is 8 June; the quote picked up on 3 June goes.
      const { journal } = await feed(slot, store, 'quote', [
        quote('now', {
          quotedAt: '2026-06-10T10:00:00Z',
          pickup: { station: 'MXP', at: '2026-06-20T10:00:00Z' },
        }),
      ]);
      expect(journal.watermark).to.equal(Date.parse('2026-06-10T10:00:00Z'));
      expect([...slot.resolver.quoteIds()].sort()).to.deep.equal(['rentalcars:future', 'rentalcars:now']);

      // A late change to the released quote reads it back and is resolved against what is stored.
      await feed(slot, store, 'quote', [
        quote('old', {
          version: 2,
          quotedAt: '2026-06-01T10:00:00Z',
          pickup: { station: 'BGY', at: '2026-06-03T10:00:00Z' },
          carGroup: 'CDMR',
        }),
      ]);
      expect(store.quotes.get('rentalcars:old')?.carGroup).to.equal('CDMR');
      expect(store.reads.get('recordsById')).to.be.greaterThan(0);
    });
  });

  describe('when a slot is rebuilt', () => {
    it('should load the records from the floor on and the clusters they belong to, not the history', async () => {
      const store = new MemoryTripStore();
      const first = slotOver(store);
      const customer = { email: 'mario@example.com', phone: null, name: null };
      const { journal } = await feed(first, store, 'quote', [
        quote('long-ago', {
          quotedAt: '2026-01-01T10:00:00Z',
          pickup: { station: 'BGY', at: '2026-01-05T10:00:00Z' },
        }),
        quote('a', {
          customer,
          quotedAt: '2026-06-09T10:00:00Z',
          pickup: { station: 'BGY', at: '2026-06-08T08:00:00Z' },
        }),
        quote('b', {
          customer,
          quotedAt: '2026-06-10T10:00:00Z',
          pickup: { station: 'BGY', at: '2026-06-08T10:30:00Z' },
        }),
      ]);
      const rebuilt = slotOver(store);
      await rebuilt.restoreWindow([], journal.watermark);
      // Floor: 8 June 10:00 down to its block (09:00); 'b' is after it, 'a' before it but in b's cluster.
      expect([...rebuilt.resolver.quoteIds()].sort()).to.deep.equal(['rentalcars:a', 'rentalcars:b']);
      expect(rebuilt.resolver.quoteView('rentalcars:b')?.clusterId).to.equal('rentalcars:a');
    });
  });
});
