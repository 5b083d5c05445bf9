import { expect } from 'chai';
import type { CanonicalEvent } from '../../../lib/records/canonical.js';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import { addEvent, visitorMarks } from '../../../processor/core/kpi/event-contributions.js';
import { RollupDelta } from '../../../processor/core/kpi/rollup-delta.js';

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  kind: 'event',
  id: '0b7f5c1e-6a36-4a43-9d53-2f7f8e0a3c11',
  type: 'click',
  name: 'search',
  receivedAt: '2026-06-25T20:14:31.5Z',
  sentAt: null,
  project: 'web',
  anonymousId: 'anon-1',
  userId: null,
  properties: {},
  context: { campaign: {} },
  ...overrides,
});

describe('event contributions', () => {
  const clock = new BucketClock('UTC');

  describe('when events are added', () => {
    it('should count them per minute, hour and day by project, type and name', () => {
      const delta = new RollupDelta();
      addEvent(delta, clock, event());
      addEvent(delta, clock, event({ receivedAt: '2026-06-25T20:14:59Z' }));
      addEvent(delta, clock, event({ type: 'view', name: 'home' }));
      expect(delta.toJSON()).to.deep.equal({
        'event|day|2026-06-25T00%3A00%3A00.000Z|web|click|search': { events: 2 },
        'event|day|2026-06-25T00%3A00%3A00.000Z|web|view|home': { events: 1 },
        'event|hour|2026-06-25T20%3A00%3A00.000Z|web|click|search': { events: 2 },
        'event|hour|2026-06-25T20%3A00%3A00.000Z|web|view|home': { events: 1 },
        'event|minute|2026-06-25T20%3A14%3A00.000Z|web|click|search': { events: 2 },
        'event|minute|2026-06-25T20%3A14%3A00.000Z|web|view|home': { events: 1 },
      });
    });
  });

  describe('when an event names a visitor', () => {
    it('should mark the user id, else the anonymous id, once per bucket', () => {
      expect(visitorMarks(clock, event({ userId: 'u-7' })).map((mark) => mark.id)).to.deep.equal([
        'minute|2026-06-25T20%3A14%3A00.000Z|web|u-7',
        'hour|2026-06-25T20%3A00%3A00.000Z|web|u-7',
        'day|2026-06-25T00%3A00%3A00.000Z|web|u-7',
      ]);
      expect(visitorMarks(clock, event())[0]?.visitor).to.equal('anon-1');
      expect(visitorMarks(clock, event({ anonymousId: null }))).to.deep.equal([]);
    });
  });
});
