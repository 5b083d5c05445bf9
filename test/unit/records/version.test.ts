import { expect } from 'chai';
import { isTimestamp, isUtcTimestamp, parseTimestamp } from '../../../lib/records/timestamp.js';
import { compareVersions } from '../../../lib/records/version.js';

describe('compareVersions', () => {
  describe('when both are integers', () => {
    it('should order numbers and digit strings by value, beyond 2^53 too', () => {
      expect(compareVersions(2, 10)).to.be.below(0);
      expect(compareVersions('10', 2)).to.be.above(0);
      expect(compareVersions('9007199254740993', '9007199254740992')).to.be.above(0);
      expect(compareVersions(7, '7')).to.equal(0);
    });
  });

  describe('when both are timestamps', () => {
    it('should order by instant, to the nanosecond, whatever the fraction length', () => {
      expect(compareVersions('2026-06-25T20:14:00.5Z', '2026-06-25T20:14:00.499999999Z')).to.be.above(0);
      expect(compareVersions('2026-06-25T20:14:00.500Z', '2026-06-25T20:14:00.5Z')).to.equal(0);
      expect(compareVersions('2026-06-25T20:14:00Z', '2026-06-26T00:00:00Z')).to.be.below(0);
    });
  });

  describe('when one is an integer and the other a timestamp', () => {
    it('should order the integer first, both ways round', () => {
      expect(compareVersions(99, '2026-01-01T00:00:00Z')).to.be.below(0);
      expect(compareVersions('2026-01-01T00:00:00Z', 99)).to.be.above(0);
    });
  });
});

describe('timestamps', () => {
  it('should parse offsets and fractions', () => {
    expect(parseTimestamp('2026-06-25T20:14:05.25+02:00')).to.deep.equal({
      year: 2026,
      month: 6,
      day: 25,
      hour: 20,
      minute: 14,
      second: 5,
      nanos: 250_000_000,
      offset: '+02:00',
    });
  });

  it('should reject dates the calendar lacks and malformed text', () => {
    for (const value of [
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-06-25 20:14:00Z',
      '2026-06-25T24:00:00Z',
      'now',
    ]) {
      expect(isTimestamp(value), value).to.equal(false);
    }
    expect(isTimestamp('2028-02-29T00:00:00Z')).to.equal(true);
  });

  it('should tell UTC timestamps from local and offset ones', () => {
    expect(isUtcTimestamp('2026-06-25T20:14:00Z')).to.equal(true);
    expect(isUtcTimestamp('2026-06-25T20:14:00+00:00')).to.equal(true);
    expect(isUtcTimestamp('2026-06-25T20:14:00+02:00')).to.equal(false);
    expect(isUtcTimestamp('2026-06-25T20:14:00')).to.equal(false);
  });
});
