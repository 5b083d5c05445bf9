import { expect } from 'chai';
import fc from 'fast-check';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import { batchDelta, stateTotals } from '../../../processor/core/kpi/contributions.js';
import { RollupDelta } from '../../../processor/core/kpi/rollup-delta.js';
import { Resolver } from '../../../processor/core/resolver.js';
import { toTripChange } from '../../../processor/core/trip-change.js';
import { defaultRules, resolveRecords } from '../../support/resolve-helper.js';
import { finalLiveRecords, history } from '../../support/trip-arbitraries.js';
import { booking, quote, remove } from '../../support/trip-records.js';
import type { TripRecord } from '../../support/trip-arbitraries.js';

const utc = new BucketClock('UTC');

/** Applies records in batches of the given size and sums the rollup deltas. */
function incremental(records: readonly TripRecord[], batchEnds: ReadonlySet<number>, clock = utc) {
  const resolver = new Resolver(defaultRules);
  const total = new RollupDelta();
  resolver.beginBatch();
  records.forEach((record, index) => {
    resolver.apply(toTripChange(record, defaultRules));
    if (batchEnds.has(index)) {
      batchDelta(total, clock, resolver.endBatch());
      resolver.beginBatch();
    }
  });
  batchDelta(total, clock, resolver.endBatch());
  return { resolver, total };
}

function dayOnly(delta: RollupDelta): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(delta.toJSON()).filter(([id]) => id.startsWith('trip|day|')));
}

describe('KPI rollups', () => {
  describe('BucketClock', () => {
    it('should start minutes and hours in UTC and days at midnight of the KPI zone', () => {
      const rome = new BucketClock('Europe/Rome');
      expect(rome.starts(Date.parse('2026-06-30T22:30:10Z'))).to.deep.equal({
        minute: '2026-06-30T22:30:00.000Z',
        hour: '2026-06-30T22:00:00.000Z',
        day: '2026-06-30T22:00:00.000Z',
      });
      expect(rome.starts(Date.parse('2026-06-30T21:59:59Z')).day).to.equal('2026-06-29T22:00:00.000Z');
      expect(rome.starts(Date.parse('2026-12-31T23:30:00Z')).day).to.equal('2026-12-31T23:00:00.000Z');
      expect(utc.starts(Date.parse('2026-06-30T22:30:10Z')).day).to.equal('2026-06-30T00:00:00.000Z');
    });
  });

  describe('when a demand with a duplicate converts', () => {
    it('should count quotes, demands, lead time, conversion, bookings and revenue', () => {
      const { total } = incremental(
        [
          quote('1', {
            quotedAt: '2026-06-25T20:00:00Z',
            pickup: { station: 'BGY', at: '2026-07-01T08:00:00Z' },
          }),
          quote('2', { quotedAt: '2026-06-25T21:00:00Z', source: 'autoeurope', channel: 'web' }),
          booking('b', { bookedAt: '2026-06-26T20:00:00Z', price: { amount: 100.1, currency: 'EUR' } }),
          booking('u', {
            customer: null,
            bookedAt: '2026-06-26T10:00:00Z',
            status: 'confirmed',
            price: null,
          }),
          booking('c', { customer: null, bookedAt: '2026-06-26T10:00:00Z', status: 'cancelled' }),
        ],
        new Set(),
      );
      expect(dayOnly(total)).to.deep.equal({
        'trip|day|2026-06-25T00%3A00%3A00.000Z|autoeurope|BGY|IDAR|web': { quotes: 1 },
        'trip|day|2026-06-25T00%3A00%3A00.000Z|rentalcars|BGY|IDAR|api': {
          convertedDemands: 1,
          demands: 1,
          leadTimeCount: 1,
          leadTimeMsSum: Date.parse('2026-07-01T08:00:00Z') - Date.parse('2026-06-25T20:00:00Z'),
          quoteToBookingCount: 1,
          quoteToBookingMsSum: 24 * 3_600_000,
          quotes: 1,
        },
        'trip|day|2026-06-26T00%3A00%3A00.000Z|rentalcars|BGY|IDAR|api': {
          bookings: 2,
          cancelledBookings: 1,
          'revenueCents:EUR': 10010,
          unquotedBookings: 1,
        },
      });
    });
  });

  describe('when records move, disappear and come back', () => {
    it('should retract old contributions so nothing remains after everything is deleted', () => {
      const { total } = incremental(
        [
          quote('1'),
          booking('b'),
          quote('1', { version: 2, quotedAt: '2026-05-01T00:00:00Z' }),
          remove('quote', 'rentalcars:1', 3),
          remove('booking', 'rentalcars:b', 2),
        ],
        new Set([0, 2]),
      );
      expect(total.toJSON()).to.deep.equal({});
    });
  });

  describe('when any history is applied in any batches (property)', () => {
    it('should sum to a recomputation from the final records', () => {
      fc.assert(
        fc.property(history, ({ generated, arrivals, batchEnds }) => {
          const clock = new BucketClock('Europe/Rome');
          const { resolver, total } = incremental(arrivals, batchEnds, clock);
          const expected = stateTotals(
            new RollupDelta(),
            clock,
            resolveRecords(finalLiveRecords(generated)),
          ).toJSON();
          expect(total.toJSON()).to.deep.equal(expected);
          expect(stateTotals(new RollupDelta(), clock, resolver).toJSON()).to.deep.equal(expected);
        }),
        { numRuns: 150 },
      );
    });
  });
});
