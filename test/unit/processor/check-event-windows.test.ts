import { expect } from 'chai';
import fc from 'fast-check';
import type { CanonicalEvent } from '../../../lib/records/canonical.js';
import type { EventWindow } from '../../../processor/check/event-windows.js';
import { EventWindows } from '../../../processor/check/event-windows.js';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import { addEvent, visitorMarks } from '../../../processor/core/kpi/event-contributions.js';
import { RollupDelta } from '../../../processor/core/kpi/rollup-delta.js';

const BASE = Date.parse('2026-10-20T00:00:00Z');
const pad = (n: number) => String(n).padStart(2, '0');

/** `ms` written as a wall-clock time at `offsetMinutes` (null: no offset, read as UTC). */
function written(ms: number, offsetMinutes: number | null): string {
  const wall = new Date(ms + (offsetMinutes ?? 0) * 60_000).toISOString().slice(0, 23);
  if (offsetMinutes === null) return wall;
  if (offsetMinutes === 0) return `${wall}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${wall}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const event = (id: string, receivedAt: string, visitor: string | null): CanonicalEvent => ({
  kind: 'event',
  id,
  type: 'view',
  name: 'home',
  receivedAt,
  sentAt: null,
  project: 'web',
  anonymousId: visitor,
  userId: null,
  properties: {},
  context: { campaign: {} },
});

const events = fc
  .array(
    fc.record({
      atMinute: fc.integer({ min: 0, max: 14 * 24 * 4 }).map((quarter) => quarter * 15),
      // The extremes (±18:59) and odd ones, where a window closed too early would show.
      offsetMinutes: fc.constantFrom(null, 0, 18 * 60 + 59, -(18 * 60 + 59), 14 * 60, -10 * 60, 5 * 60 + 45),
      visitor: fc.constantFrom(null, 'v1', 'v2', 'v3'),
    }),
    { maxLength: 80 },
  )
  .map((drawn) =>
    drawn
      .map((d, index) => event(`e${index}`, written(BASE + d.atMinute * 60_000, d.offsetMinutes), d.visitor))
      // The order of the `receivedAt` index: the stored strings, compared as strings.
      .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0)),
  );

function run(clock: BucketClock, sorted: readonly CanonicalEvent[]): EventWindow[] {
  const windows = new EventWindows(clock);
  const out: EventWindow[] = [];
  for (const e of sorted) {
    windows.add(e);
    const due = windows.due();
    if (due !== undefined) out.push(windows.take(due));
  }
  out.push(windows.take());
  return out;
}

describe('EventWindows', function () {
  // Property tests: a hundred generated stores each, slow on a loaded 2-core machine.
  this.timeout(20_000);
  describe('when events with any offset arrive in receivedAt string order', () => {
    it('should hand out contiguous final windows that together equal the whole recomputation', () => {
      fc.assert(
        fc.property(
          events,
          fc.constantFrom('UTC', 'Europe/Rome', 'Asia/Kathmandu', 'Pacific/Kiritimati'),
          (sorted, zone) => {
            const clock = new BucketClock(zone);
            const windows = run(clock, sorted);

            const whole = new RollupDelta();
            const marks = new Map<string, string>();
            for (const e of sorted) {
              addEvent(whole, clock, e);
              for (const mark of visitorMarks(clock, e)) marks.set(mark.id, mark.start);
            }
            const merged = new RollupDelta();
            const visitors = new Set<string>();
            windows.forEach((window, index) => {
              expect(window.from).to.equal(index === 0 ? null : windows[index - 1]?.to);
              const inside = (start: string) =>
                (window.from === null || start >= window.from) && (window.to === null || start < window.to);
              for (const id of window.visitorIds) {
                expect(inside(marks.get(id) ?? '')).to.equal(true);
                visitors.add(id);
              }
              for (const entry of window.rollups.entries.values())
                expect(inside(entry.key.start)).to.equal(true);
              merged.merge(window.rollups);
            });
            expect(windows.at(-1)?.to).to.equal(null);
            expect(merged.toJSON()).to.deep.equal(whole.toJSON());
            expect([...visitors].sort()).to.deep.equal([...marks.keys()].sort());
          },
        ),
        { numRuns: 100 },
      );
    });

    it('should close a window once the events are 44 hours past its end', () => {
      const windows = run(new BucketClock('UTC'), [
        event('a', '2026-10-20T10:00:00Z', 'v1'),
        event('b', '2026-10-22T19:59:00Z', 'v1'),
        event('c', '2026-10-22T20:00:00Z', 'v1'),
      ]);
      expect(windows.map((w) => [w.from, w.to, w.visitorIds.size])).to.deep.equal([
        [null, '2026-10-18T00:00:00.000Z', 0],
        ['2026-10-18T00:00:00.000Z', '2026-10-20T00:00:00.000Z', 0],
        ['2026-10-20T00:00:00.000Z', '2026-10-21T00:00:00.000Z', 3],
        ['2026-10-21T00:00:00.000Z', null, 5],
      ]);
    });
  });

  describe('when events are not in receivedAt order', () => {
    it('should refuse them rather than compare an unfinished window', () => {
      const windows = new EventWindows(new BucketClock('UTC'));
      windows.add(event('a', '2026-10-22T10:00:00Z', 'v1'));
      expect(() => {
        windows.add(event('b', '2026-10-20T10:00:00Z', 'v1'));
      }).to.throw('events are not in receivedAt order at event b');
    });

    it('should refuse an event in a window already handed out', () => {
      const windows = new EventWindows(new BucketClock('UTC'));
      windows.add(event('a', '2026-10-25T10:00:00Z', 'v1'));
      windows.take('2026-10-26T00:00:00.000Z');
      expect(() => {
        windows.add(event('b', '2026-10-25T10:01:00Z', 'v1'));
      }).to.throw('falls in a window already compared');
    });
  });
});
