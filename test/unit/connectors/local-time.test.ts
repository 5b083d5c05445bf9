import { expect } from 'chai';
import { toUtcIso } from '../../../connectors/mapping/local-time.js';

describe('toUtcIso', () => {
  describe('when the value has no offset', () => {
    it('should read it in the given zone, summer and winter', () => {
      expect(toUtcIso('2026-07-01 09:36:00', 'Europe/Rome')).to.equal('2026-07-01T07:36:00Z');
      expect(toUtcIso('2026-01-15 09:36:00', 'Europe/Rome')).to.equal('2026-01-15T08:36:00Z');
      expect(toUtcIso('2026-07-01T09:36:00', 'America/New_York')).to.equal('2026-07-01T13:36:00Z');
    });

    it('should drop trailing zeros so that every database prints a version alike', () => {
      expect(toUtcIso('2026-07-01 09:36:00.730000', 'UTC')).to.equal('2026-07-01T09:36:00.73Z');
      expect(toUtcIso('2026-07-01 09:36:00.000', 'UTC')).to.equal('2026-07-01T09:36:00Z');
    });

    it('should keep the fraction digits the source stored', () => {
      expect(toUtcIso('2026-07-01 09:36:00.123456', 'UTC')).to.equal('2026-07-01T09:36:00.123456Z');
    });

    it('should read a skipped daylight-saving hour with the offset before the jump', () => {
      // 2026-03-29 02:30 does not exist in Rome; +01:00 applies.
      expect(toUtcIso('2026-03-29 02:30:00', 'Europe/Rome')).to.equal('2026-03-29T01:30:00Z');
    });

    it('should take the earlier instant of a repeated hour', () => {
      expect(toUtcIso('2026-10-25 02:30:00', 'Europe/Rome')).to.equal('2026-10-25T00:30:00Z');
    });

    it('should read a plain date as midnight', () => {
      expect(toUtcIso('2026-07-01', 'Europe/Rome')).to.equal('2026-06-30T22:00:00Z');
    });
  });

  describe('when the value names its offset', () => {
    it('should ignore the zone', () => {
      expect(toUtcIso('2026-07-01 09:36:00+02', 'America/New_York')).to.equal('2026-07-01T07:36:00Z');
      expect(toUtcIso('2026-07-01T09:36:00.5-05:30', 'UTC')).to.equal('2026-07-01T15:06:00.5Z');
      expect(toUtcIso('2026-07-01T09:36:00Z', 'Asia/Tokyo')).to.equal('2026-07-01T09:36:00Z');
    });
  });

  describe('when the value is a Date', () => {
    it('should give its instant', () => {
      expect(toUtcIso(new Date('2026-07-01T07:36:00.250Z'), 'Europe/Rome')).to.equal(
        '2026-07-01T07:36:00.25Z',
      );
    });
  });

  describe('when the value is not a date-time', () => {
    it('should give undefined', () => {
      expect(toUtcIso('2026-02-30 10:00:00', 'UTC')).to.equal(undefined);
      expect(toUtcIso('yesterday', 'UTC')).to.equal(undefined);
      expect(toUtcIso(42, 'UTC')).to.equal(undefined);
      expect(toUtcIso(null, 'UTC')).to.equal(undefined);
    });
  });
});
