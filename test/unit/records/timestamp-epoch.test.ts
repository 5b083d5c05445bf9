import { expect } from 'chai';
import fc from 'fast-check';
import {
  isTimestamp,
  parseTimestamp,
  timestampToEpochMs,
  utcMillisFastPath,
} from '../../../lib/records/timestamp.js';

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

describe('utcMillisFastPath', () => {
  const padded = (min: number, max: number, width = 2) =>
    fc.integer({ min, max }).map((n) => String(n).padStart(width, '0'));
  /** Timestamps around the valid ones: each field one past its range, so calendar and clock edges come up. */
  const timestampLike = fc
    .record({
      year: fc.oneof(padded(0, 150, 4), padded(1900, 2100, 4), padded(0, 9999, 4)),
      month: padded(0, 13),
      day: padded(0, 32),
      hour: padded(0, 25),
      minute: padded(0, 61),
      second: fc.option(padded(0, 61)),
      fraction: fc.option(fc.stringMatching(/^\d{1,3}$/)),
    })
    .map(({ year, month, day, hour, minute, second, fraction }) => {
      const seconds = second === null ? '' : `:${second}${fraction === null ? '' : `.${fraction}`}`;
      return `${year}-${month}-${day}T${hour}:${minute}${seconds}Z`;
    });

  /** The instant as the full parser reads it (years below 100 set explicitly: Date.UTC reads them as 19xx). */
  function slowEpochMs(value: string): number | undefined {
    const parts = parseTimestamp(value);
    if (!parts) return undefined;
    const date = new Date(0);
    date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
    date.setUTCHours(parts.hour, parts.minute, parts.second, Math.floor(parts.nanos / 1e6));
    return date.getTime();
  }

  it('should accept only what parseTimestamp accepts, with the same instant', () => {
    fc.assert(
      fc.property(timestampLike, (value) => {
        const fast = utcMillisFastPath(value);
        if (fast !== undefined) expect(fast, value).to.equal(slowEpochMs(value));
        expect(isTimestamp(value), value).to.equal(slowEpochMs(value) !== undefined);
      }),
      { numRuns: 20_000 },
    );
  });

  it('should read the form records and SDKs send', () => {
    expect(utcMillisFastPath('2026-11-27T12:00:00.123Z')).to.equal(Date.UTC(2026, 10, 27, 12, 0, 0, 123));
    expect(utcMillisFastPath('2028-02-29T23:59Z')).to.equal(Date.UTC(2028, 1, 29, 23, 59));
    expect(utcMillisFastPath('2026-11-27T12:00:00+01:00')).to.equal(undefined);
  });

  it('should leave the forms Date.parse reads leniently to the full parser', () => {
    for (const value of ['2026-02-30T10:00:00Z', '2026-06-25T24:00:00Z', '0050-01-01T00:00:00Z']) {
      expect(utcMillisFastPath(value), value).to.equal(undefined);
      expect(isTimestamp(value), value).to.equal(false);
    }
  });
});
