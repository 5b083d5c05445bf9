import { expect } from 'chai';
import type { RollupDoc } from '../../../lib/kpi/rollup-doc.js';
import { periodWindows } from '../../../dashboard/live/live-periods.js';
import { LiveState } from '../../../dashboard/live/live-state.js';

function doc(
  granularity: RollupDoc['granularity'],
  start: string,
  counts: Record<string, number>,
  offset = 1,
  station = 'BGY',
): RollupDoc {
  return {
    id: `${granularity}|${start}|${station}`,
    kind: 'trip',
    granularity,
    start,
    source: 's',
    pickupStation: station,
    carGroup: 'C',
    channel: null,
    counts,
    applied: { 'qf.quotes:0': offset },
  };
}

describe('LiveState', () => {
  const now = new Date('2026-06-25T10:30:20Z');
  const zone = 'Europe/Rome';

  it('should fill every minute of the window, oldest first, and count today in the zone', () => {
    const state = new LiveState(zone, 5);
    state.apply(doc('minute', '2026-06-25T10:28:00.000Z', { quotes: 2, events: 7 }));
    state.apply(doc('minute', '2026-06-25T10:29:00.000Z', { quotes: 1, events: 4 }));
    state.apply(doc('day', '2026-06-24T22:00:00.000Z', { quotes: 40, demands: 30 }));
    state.apply(doc('day', '2026-06-23T22:00:00.000Z', { quotes: 99 }));
    const snapshot = state.snapshot({}, now);
    expect(snapshot.minutes.map((m) => [m.start.slice(11, 16), m.quotes])).to.deep.equal([
      ['10:26', 0],
      ['10:27', 0],
      ['10:28', 2],
      ['10:29', 1],
      ['10:30', 0],
    ]);
    expect(snapshot.eventsPerMinute).to.equal(4);
    expect(snapshot.today).to.deep.include({ start: '2026-06-24T22:00:00.000Z' });
    expect(snapshot.today.totals).to.include({ quotes: 40, demands: 30, duplicates: 10 });
  });

  it('should keep the newest version and drop what left the window', () => {
    const state = new LiveState(zone, 5);
    expect(state.apply(doc('minute', '2026-06-25T10:29:00.000Z', { quotes: 3 }, 5))).to.equal(true);
    expect(state.apply(doc('minute', '2026-06-25T10:29:00.000Z', { quotes: 1 }, 4))).to.equal(false);
    state.apply(doc('minute', '2026-06-25T10:00:00.000Z', { quotes: 9 }));
    state.prune(now);
    const snapshot = state.snapshot({ station: 'BGY' }, now);
    expect(snapshot.minutes.reduce((sum, m) => sum + m.quotes, 0)).to.equal(3);
    expect(state.snapshot({ station: 'MXP' }, now).minutes.every((m) => m.quotes === 0)).to.equal(true);
  });
});

describe('live periods', () => {
  const zone = 'Europe/Rome';

  it('should compare today with yesterday and the same weekday last week, to the same hour', () => {
    expect(periodWindows('today', new Date('2026-06-25T10:30:20Z'), zone)).to.deep.equal({
      period: 'today',
      current: { from: '2026-06-24T22:00:00.000Z', to: '2026-06-25T11:00:00.000Z' },
      comparisons: [
        { label: 'yesterday', window: { from: '2026-06-23T22:00:00.000Z', to: '2026-06-24T11:00:00.000Z' } },
        { label: 'last week', window: { from: '2026-06-17T22:00:00.000Z', to: '2026-06-18T11:00:00.000Z' } },
      ],
    });
  });

  it('should compare by wall clock across a change of daylight saving time', () => {
    // Monday 30 March 2026, 12:30 in Rome (CEST); Sunday 29 March lost an hour at 02:00.
    const { comparisons } = periodWindows('today', new Date('2026-03-30T10:30:00Z'), zone);
    // Sunday 00:00 CET to 13:00 CEST: 12 hours of a 23-hour day.
    expect(comparisons[0]?.window).to.deep.equal({
      from: '2026-03-28T23:00:00.000Z',
      to: '2026-03-29T11:00:00.000Z',
    });
  });

  it('should compare the last 24 hours and the last 7 days with the windows before them', () => {
    const now = new Date('2026-06-25T10:30:20Z');
    expect(periodWindows('24h', now, zone).comparisons.map((c) => [c.label, c.window.from])).to.deep.equal([
      ['a day before', '2026-06-23T11:00:00.000Z'],
      ['a week before', '2026-06-17T11:00:00.000Z'],
    ]);
    expect(periodWindows('7d', now, zone)).to.deep.include({
      current: { from: '2026-06-18T11:00:00.000Z', to: '2026-06-25T11:00:00.000Z' },
    });
  });
});

describe('LiveState periods', () => {
  const zone = 'Europe/Rome';
  const now = new Date('2026-06-25T10:30:20Z');

  it('should give today from the day rollup and the comparisons from hour rollups, hour by hour', () => {
    const state = new LiveState(zone, 5);
    state.apply(doc('day', '2026-06-24T22:00:00.000Z', { quotes: 40, demands: 30 }));
    state.apply(doc('hour', '2026-06-25T09:00:00.000Z', { quotes: 10 }));
    state.apply(doc('hour', '2026-06-24T09:00:00.000Z', { quotes: 8 }));
    state.apply(doc('hour', '2026-06-24T10:00:00.000Z', { quotes: 2 }));
    // Past the same hour yesterday: not in the comparison.
    state.apply(doc('hour', '2026-06-24T11:00:00.000Z', { quotes: 99 }));
    state.apply(doc('hour', '2026-06-18T10:00:00.000Z', { quotes: 5 }));
    const snapshot = state.snapshot({}, now, 'today');
    expect(snapshot.period.totals.quotes).to.equal(40);
    expect(snapshot.period.hours).to.have.length(13);
    expect(snapshot.period.hours.at(-2)?.totals.quotes).to.equal(10);
    expect(snapshot.comparisons.map((c) => [c.label, c.totals.quotes])).to.deep.equal([
      ['yesterday', 10],
      ['last week', 5],
    ]);
  });

  it('should sum the last 24 hours from hour rollups, and drop hours older than 15 days', () => {
    const state = new LiveState(zone, 5);
    state.apply(doc('hour', '2026-06-24T11:00:00.000Z', { quotes: 3 }));
    state.apply(doc('hour', '2026-06-24T10:00:00.000Z', { quotes: 100 }));
    state.apply(doc('hour', '2026-06-10T09:00:00.000Z', { quotes: 7 }));
    expect(state.snapshot({}, now, '24h').period.totals.quotes).to.equal(3);
    // Asked about a week it still holds, the 10 June hour counts; once pruned at `now`, it is gone.
    const earlier = new Date('2026-06-17T08:00:00Z');
    expect(state.snapshot({}, earlier, '7d').period.totals.quotes).to.equal(7);
    state.prune(now);
    expect(state.snapshot({}, earlier, '7d').period.totals.quotes).to.equal(0);
  });
});
