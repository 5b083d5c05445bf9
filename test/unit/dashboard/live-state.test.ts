import { expect } from 'chai';
import type { RollupDoc } from '../../../dashboard/kpi/rollup-doc.js';
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
