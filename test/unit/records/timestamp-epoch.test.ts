import { expect } from 'chai';
import { isTimestamp, timestampToEpochMs } from '../../../lib/records/timestamp.js';

describe('timestampToEpochMs', () => {
  it('should read offsets, and a time without one as UTC', () => {
    expect(timestampToEpochMs('2026-11-27T12:00:00.123Z')).to.equal(Date.UTC(2026, 10, 27, 12, 0, 0, 123));
    expect(timestampToEpochMs('2026-11-27T13:00:00+01:00')).to.equal(Date.UTC(2026, 10, 27, 12));
    expect(timestampToEpochMs('2026-11-27T07:30:00-0430')).to.equal(Date.UTC(2026, 10, 27, 12));
    expect(timestampToEpochMs('2026-11-27T12:00')).to.equal(Date.UTC(2026, 10, 27, 12));
  });

  it('should refuse exactly what isTimestamp refuses, on the fast path too', () => {
    for (const value of [
      '2026-02-29T00:00:00Z',
      '2026-02-30T10:00:00.000Z',
      '2026-06-25T24:00:00Z',
      '2026-06-25T23:60:00Z',
      '2026-06-25T23:00:60Z',
      '2026-13-01T00:00:00Z',
      'now',
    ]) {
      expect(timestampToEpochMs(value), value).to.equal(undefined);
      expect(isTimestamp(value), value).to.equal(false);
    }
    expect(timestampToEpochMs('2028-02-29T00:00:00Z')).to.equal(Date.UTC(2028, 1, 29));
  });
});
