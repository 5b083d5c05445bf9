import { expect } from 'chai';
import { toEpochMs } from '../../../lib/resolution/instant.js';

describe('toEpochMs', () => {
  describe('when the timestamp carries an offset', () => {
    it('should ignore the zone', () => {
      expect(toEpochMs('2026-06-25T20:14:00+02:00', 'America/New_York')).to.equal(
        Date.parse('2026-06-25T18:14:00Z'),
      );
      expect(toEpochMs('2026-06-25T20:14:00.123456Z', 'Europe/Rome')).to.equal(
        Date.parse('2026-06-25T20:14:00.123Z'),
      );
    });
  });

  describe('when the timestamp has no offset', () => {
    it('should read it in the given zone, summer and winter', () => {
      expect(toEpochMs('2026-06-25T20:14:00', 'Europe/Rome')).to.equal(Date.parse('2026-06-25T18:14:00Z'));
      expect(toEpochMs('2026-01-25T20:14:00', 'Europe/Rome')).to.equal(Date.parse('2026-01-25T19:14:00Z'));
      expect(toEpochMs('2026-01-25T20:14:00', 'UTC')).to.equal(Date.parse('2026-01-25T20:14:00Z'));
    });
    it('should take the earlier instant of an ambiguous autumn hour', () => {
      expect(toEpochMs('2026-10-25T02:30:00', 'Europe/Rome')).to.equal(Date.parse('2026-10-25T00:30:00Z'));
    });
    it('should read a skipped spring hour with the offset before the change', () => {
      expect(toEpochMs('2026-03-29T02:30:00', 'Europe/Rome')).to.equal(Date.parse('2026-03-29T01:30:00Z'));
    });
  });

  describe('when the timestamp is not ISO-8601', () => {
    it('should throw naming the field', () => {
      expect(() => toEpochMs('yesterday', 'UTC', 'quotedAt')).to.throw(/quotedAt/);
    });
  });
});
