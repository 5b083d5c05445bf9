import { expect } from 'chai';
import { explore } from '../../../lib/kpi/explore.js';
import { filterKey, matchesFilter } from '../../../lib/kpi/kpi-filter.js';
import { kpiTotals, sumCounts } from '../../../lib/kpi/kpi-totals.js';
import type { RollupDoc } from '../../../lib/kpi/rollup-doc.js';
import { isNotOlder } from '../../../lib/kpi/rollup-doc.js';
import { localMidnight, weekStart } from '../../../lib/time/zoned-time.js';

function trip(
  start: string,
  counts: Record<string, number>,
  dims: Partial<RollupDoc> = {},
  granularity: RollupDoc['granularity'] = 'day',
): RollupDoc {
  return {
    id: `${granularity}|${start}|${JSON.stringify(dims)}`,
    kind: 'trip',
    granularity,
    start,
    source: 'rentalcars',
    pickupStation: 'BGY',
    carGroup: 'IDAR',
    channel: 'api',
    counts,
    applied: {},
    ...dims,
  };
}

describe('kpiTotals', () => {
  it('should derive every KPI of DESIGN.md from the counters', () => {
    const totals = kpiTotals(
      sumCounts([
        trip('2026-06-24T22:00:00.000Z', {
          quotes: 7,
          demands: 4,
          leadTimeMsSum: 4 * 48 * 3_600_000,
          leadTimeCount: 4,
        }),
        trip('2026-06-24T22:00:00.000Z', {
          bookings: 2,
          'revenueCents:EUR': 88_240,
          unquotedBookings: 1,
          cancelledBookings: 1,
          convertedDemands: 1,
          quoteToBookingMsSum: 6 * 3_600_000,
          quoteToBookingCount: 1,
        }),
        { ...trip('2026-06-24T22:00:00.000Z', { events: 5 }), kind: 'event' },
      ]),
    );
    expect(totals).to.deep.equal({
      quotes: 7,
      demands: 4,
      duplicates: 3,
      duplicateRate: 3 / 7,
      bookings: 2,
      cancelledBookings: 1,
      unquotedBookings: 1,
      convertedDemands: 1,
      conversionRate: 0.25,
      revenue: { EUR: 882.4 },
      avgLeadTimeHours: 48,
      avgQuoteToBookingHours: 6,
      events: 5,
    });
  });

  it('should give null rates, not NaN, when there is nothing to divide by', () => {
    expect(kpiTotals({})).to.include({ duplicateRate: null, conversionRate: null, avgLeadTimeHours: null });
  });
});

describe('explore', () => {
  const zone = 'Europe/Rome';
  // Local midnights in Rome: summer (UTC+2) and the day of the switch to winter time (25 October 2026).
  const docs = [
    trip('2026-06-21T22:00:00.000Z', { quotes: 1, demands: 1 }, { source: 'a' }),
    trip('2026-06-22T22:00:00.000Z', { quotes: 2, demands: 1 }, { source: 'b' }),
    trip('2026-06-28T22:00:00.000Z', { quotes: 4, demands: 4 }, { source: 'a' }),
    trip('2026-10-24T22:00:00.000Z', { quotes: 8, demands: 8 }, { source: 'a' }),
  ];

  it('should sum days into ISO weeks starting Monday in the zone', () => {
    const rows = explore(docs, { granularity: 'week', zone });
    expect(rows.map((r) => [r.label, r.start, r.totals.quotes])).to.deep.equal([
      ['week of 2026-06-22', '2026-06-21T22:00:00.000Z', 3],
      ['week of 2026-06-29', '2026-06-28T22:00:00.000Z', 4],
      ['week of 2026-10-19', '2026-10-18T22:00:00.000Z', 8],
    ]);
  });

  it('should end each bucket where the next local period starts, DST included', () => {
    const [week] = explore(docs.slice(3), { granularity: 'week', zone });
    // The week of 19 October 2026 holds the switch to winter time: it lasts 7 days and one hour.
    expect([week?.start, week?.end]).to.deep.equal(['2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    const [day] = explore(docs.slice(3), { granularity: 'day', zone });
    expect([day?.start, day?.end]).to.deep.equal(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    const [month] = explore(docs.slice(0, 1), { granularity: 'month', zone });
    expect(month?.end).to.equal('2026-06-30T22:00:00.000Z');
  });

  it('should sum into months and split by a dimension', () => {
    const rows = explore(docs, { granularity: 'month', groupBy: 'source', zone });
    expect(rows.map((r) => [r.label, r.group, r.totals.quotes, r.totals.duplicates])).to.deep.equal([
      ['2026-06', 'a', 5, 0],
      ['2026-06', 'b', 2, 1],
      ['2026-10', 'a', 8, 0],
    ]);
    expect(rows[0]?.start).to.equal('2026-05-31T22:00:00.000Z');
  });
});

describe('zoned time', () => {
  it('should find local midnight on both sides of a DST change', () => {
    expect(localMidnight('2026-10-25', 'Europe/Rome').toISOString()).to.equal('2026-10-24T22:00:00.000Z');
    expect(localMidnight('2026-10-26', 'Europe/Rome').toISOString()).to.equal('2026-10-25T23:00:00.000Z');
    expect(localMidnight('2026-03-29', 'Europe/Rome').toISOString()).to.equal('2026-03-28T23:00:00.000Z');
    expect(weekStart('2026-06-28')).to.equal('2026-06-22');
  });
});

describe('rollup filters and versions', () => {
  it('should match trip rollups on every given dimension', () => {
    const doc = trip('2026-06-21T22:00:00.000Z', {});
    expect(matchesFilter(doc, { station: 'BGY', source: 'rentalcars' })).to.equal(true);
    expect(matchesFilter(doc, { channel: 'web' })).to.equal(false);
    expect(filterKey({ station: 'BGY' })).to.equal(filterKey({ station: 'BGY', source: undefined }));
  });

  it('should keep the newer of two versions of a rollup, by applied offsets', () => {
    const older = { ...trip('x', {}), applied: { 'qf.quotes:0': 5, 'qf.bookings:0': 2 } };
    const newer = { ...older, applied: { 'qf.quotes:0': 6, 'qf.bookings:0': 2 } };
    expect(isNotOlder(newer, older)).to.equal(true);
    expect(isNotOlder(older, newer)).to.equal(false);
    expect(isNotOlder(older, older)).to.equal(true);
  });
});
