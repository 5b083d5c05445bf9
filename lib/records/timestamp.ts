/**
 * ISO-8601 date-times as the canonical records carry them: `2026-06-25T20:14:00Z`,
 * with an optional fraction and an optional offset. One without an offset is a local time of the
 * source's configured zone; it is resolved to UTC by whoever knows that zone.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface TimestampParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction of a second as nanoseconds. */
  nanos: number;
  /** The offset text (`Z`, `+02:00`), or undefined when the value has none. */
  offset: string | undefined;
}

export function parseTimestamp(value: string): TimestampParts | undefined {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const parts: TimestampParts = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s ?? '0'),
    nanos: Number((fraction ?? '').padEnd(9, '0')),
    offset,
  };
  // Reject dates the calendar does not have (2026-02-30) and out-of-range times.
  const probe = new Date(
    Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second),
  );
  const valid =
    probe.getUTCFullYear() === parts.year &&
    probe.getUTCMonth() === parts.month - 1 &&
    probe.getUTCDate() === parts.day &&
    probe.getUTCHours() === parts.hour &&
    probe.getUTCMinutes() === parts.minute &&
    probe.getUTCSeconds() === parts.second;
  if (!valid) return undefined;
  if (offset && offset !== 'Z') {
    const hours = Number(offset.slice(1, 3));
    const minutes = Number(offset.slice(-2));
    if (hours > 18 || minutes > 59) return undefined;
  }
  return parts;
}

export function isTimestamp(value: string): boolean {
  return utcMillisFastPath(value) !== undefined || parseTimestamp(value) !== undefined;
}

const UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;

/**
 * Epoch milliseconds of a timestamp in the form nearly every record and SDK sends (UTC, at most
 * milliseconds: what Date#toISOString writes), or undefined when it needs parseTimestamp. Date.parse
 * reads that form exactly and several times faster than the full parser, but it is more lenient:
 * it rolls 02-30 over to March, takes 24:00 as the next day and years 0000-0099, which
 * parseTimestamp refuses (Date.UTC reads those years as 19xx), so those go the long way. Whatever
 * this accepts, parseTimestamp accepts with the same instant (a property test holds it to that).
 */
export function utcMillisFastPath(value: string): number | undefined {
  if (!UTC_MILLIS.test(value) || value.startsWith('00') || value.slice(11, 13) >= '24') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const day = Number(value.slice(8, 10));
  return day <= 28 || new Date(ms).getUTCDate() === day ? ms : undefined;
}

/** True for a timestamp that names its offset as UTC (`Z` or `+00:00`). */
export function isUtcTimestamp(value: string): boolean {
  const offset = parseTimestamp(value)?.offset;
  return offset === 'Z' || offset === '+00:00' || offset === '+0000';
}

/**
 * The instant of a timestamp in epoch milliseconds, reading one without an offset as UTC;
 * undefined when it is not a timestamp. For clients' clocks (the collector's skew correction),
 * which have no configured zone.
 */
export function timestampToEpochMs(value: string): number | undefined {
  const fast = utcMillisFastPath(value);
  if (fast !== undefined) return fast;
  const parts = parseTimestamp(value);
  if (parts === undefined) return undefined;
  const local = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
    Math.floor(parts.nanos / 1e6),
  );
  const offset = parts.offset;
  if (offset === undefined || offset === 'Z') return local;
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(-2));
  return local - sign * minutes * 60_000;
}
