import { expect } from 'chai';
import fc from 'fast-check';
import type { BookingUpsert, QuoteUpsert } from '../../../lib/records/canonical.js';
import { checkTripGroup } from '../../../processor/check/trip-group.js';
import type { TripGroup } from '../../../processor/check/trip-group.js';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import { stateTotals } from '../../../processor/core/kpi/contributions.js';
import { RollupDelta } from '../../../processor/core/kpi/rollup-delta.js';
import { defaultRules, resolveRecords } from '../../support/resolve-helper.js';
import type { StoredState } from '../../support/stored-state.js';
import { storedState } from '../../support/stored-state.js';
import { finalLiveRecords, history } from '../../support/trip-arbitraries.js';
import { booking, quote } from '../../support/trip-records.js';

const clock = new BucketClock('Europe/Rome');

/** The stored state cut into station pairs, as check reads it. */
function groups(state: StoredState): TripGroup[] {
  const byPair = new Map<
    string,
    { quotes: TripGroup['quotes'][number][]; bookings: TripGroup['bookings'][number][]; clusterIds: string[] }
  >();
  const group = (pickup: string, dropoff: string) => {
    const key = `${pickup}|${dropoff}`;
    let found = byPair.get(key);
    if (!found) byPair.set(key, (found = { quotes: [], bookings: [], clusterIds: [] }));
    return found;
  };
  for (const doc of state.quotes) group(doc.pickup.station, doc.dropoff.station).quotes.push(doc);
  for (const doc of state.bookings) group(doc.pickup.station, doc.dropoff.station).bookings.push(doc);
  for (const doc of state.clusters) group(doc.pickupStation, doc.dropoffStation).clusterIds.push(doc.id);
  return [...byPair.values()];
}

function checkAll(state: StoredState) {
  const expected = new RollupDelta();
  const differences = groups(state).flatMap((g) => checkTripGroup(g, defaultRules, clock, expected));
  return { differences, expected };
}

const live = (records: ReturnType<typeof finalLiveRecords>) =>
  records.filter((record): record is QuoteUpsert | BookingUpsert => record.op === 'upsert');

describe('checkTripGroup', function () {
  // Property tests: a hundred generated stores each, slow on a loaded 2-core machine.
  this.timeout(20_000);
  describe('when the store is what a processor wrote', () => {
    it('should find no difference and sum, pair by pair, to the rollups of the whole store', () => {
      fc.assert(
        fc.property(history, ({ generated }) => {
          const records = live(finalLiveRecords(generated));
          const { differences, expected } = checkAll(storedState(records, defaultRules, clock));
          expect(differences).to.deep.equal([]);
          const whole = stateTotals(new RollupDelta(), clock, resolveRecords(records));
          expect(expected.toJSON()).to.deep.equal(whole.toJSON());
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('when stored resolution differs from a recomputation', () => {
    const records = [
      quote('1', { customer: { email: 'a@x.it' }, quotedAt: '2026-06-25T20:00:00Z' }),
      quote('2', { customer: { email: 'a@x.it' }, quotedAt: '2026-06-25T21:00:00Z' }),
      quote('3', { customer: { email: 'b@x.it' }, pickup: { station: 'MXP', at: '2026-07-01T07:36:00Z' } }),
      booking('b', { customer: { email: 'a@x.it' } }),
    ];

    it('should name each wrong clusterId, match and cluster', () => {
      const state = storedState(records, defaultRules, clock);
      const [q2] = state.quotes.filter((doc) => doc.id === 'rentalcars:2');
      const [b] = state.bookings;
      if (!q2 || !b) throw new Error('fixture lacks rentalcars:2 or its booking');
      q2.clusterId = 'rentalcars:2';
      b.quoteId = null;
      state.clusters = state.clusters.filter((doc) => doc.id !== 'rentalcars:3');
      expect(checkAll(state).differences).to.deep.equal([
        'quote rentalcars:2 clusterId: stored rentalcars:2, expected rentalcars:1',
        'booking rentalcars:b: stored quoteId null clusterId rentalcars:1, expected rentalcars:2 rentalcars:1',
        'cluster rentalcars:3: expected but not stored',
      ]);
    });
  });
});
