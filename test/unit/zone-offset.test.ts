import { expect } from 'chai';
import fc from 'fast-check';
import { wallClockAt, zoneOffsetMs } from '../../lib/time/zone.js';

/** The offset straight from Intl, uncached: what zoneOffsetMs must always answer. */
function intlOffset(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const w = wallClockAt(whole, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

const zones = [
  'Europe/Rome',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Santiago',
  'UTC',
];

describe('zoneOffsetMs', () => {
  describe('when asked for any instant of 1990–2060 in zones with and without summer time', () => {
    it('should answer what Intl answers for that instant', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...zones),
          fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
          (zone, ms) => zoneOffsetMs(ms, zone) === intlOffset(ms, zone),
        ),
        { numRuns: 3000 },
      );
    });
  });

  describe('when asked around a transition, minute by minute', () => {
    it('should switch at the transition and not before (Europe/Rome, 2026-03-29 01:00 UTC)', () => {
      const transition = Date.UTC(2026, 2, 29, 1, 0);
      const minutes = Array.from({ length: 240 }, (_, i) => transition - 2 * 3_600_000 + i * 60_000);
      expect(minutes.map((ms) => zoneOffsetMs(ms, 'Europe/Rome'))).to.deep.equal(
        minutes.map((ms) => (ms < transition ? 3_600_000 : 7_200_000)),
      );
      // Lord Howe moves by half an hour, at 02:00 local: the day cache must not blur it either.
      const day = Date.UTC(2026, 3, 4, 0, 0);
      const lordHowe = Array.from({ length: 24 * 4 }, (_, i) => day + i * 15 * 60_000);
      expect(lordHowe.map((ms) => zoneOffsetMs(ms, 'Australia/Lord_Howe'))).to.deep.equal(
        lordHowe.map((ms) => intlOffset(ms, 'Australia/Lord_Howe')),
      );
    });
  });
});
