import { QuoteflowError } from '../../lib/errors.js';
import { parseTimestamp } from '../../lib/records/timestamp.js';

/**
 * Turns canonical timestamps into epoch milliseconds. A timestamp without an offset is a wall-clock
 * time of the given IANA zone (the source's configured zone); the zone's offset comes from Intl, so
 * summer time is honoured. A wall-clock time that does not exist (skipped by a spring-forward) is
 * read with the offset in force before the change; an ambiguous one (autumn) as the earlier instant.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock of `zone` at instant `ms` (whole seconds). */
export function wallClockAt(ms: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `zone` from UTC at instant `ms`, in milliseconds. */
export function zoneOffsetMs(ms: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const wall = wallClockAt(ms, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the wall clock of `zone` shows `wall` (plus `extraMs`). */
export function zonedToEpochMs(wall: WallClock, zone: string, extraMs = 0): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) + extraMs;
  if (zone === 'UTC') return asUtc;
  // At most one offset change lies within a day of any instant: the offsets a day before and a day
  // after are the only candidates.
  const before = asUtc - zoneOffsetMs(asUtc - 86_400_000, zone);
  const after = asUtc - zoneOffsetMs(asUtc + 86_400_000, zone);
  const valid = (t: number) => zoneOffsetMs(t, zone) === asUtc - t;
  const candidates = [before, after].filter(valid).sort((a, b) => a - b);
  return candidates[0] ?? before;
}

/** Epoch milliseconds of a canonical timestamp; `zone` applies only when it carries no offset. */
const UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;

export function toEpochMs(timestamp: string, zone: string, field = 'timestamp'): number {
  // Fast path for the common form (UTC, at most milliseconds), which Date.parse reads exactly;
  // an impossible date (02-30) gives NaN there and falls through to the full parser.
  if (UTC_MILLIS.test(timestamp)) {
    const ms = Date.parse(timestamp);
    // V8 rolls 02-30 over to March: days past the 28th are checked against the calendar.
    const plausible =
      Number(timestamp.slice(8, 10)) <= 28 || new Date(ms).getUTCDate() === Number(timestamp.slice(8, 10));
    if (!Number.isNaN(ms) && plausible) return ms;
  }
  const parts = parseTimestamp(timestamp);
  if (!parts) throw new QuoteflowError('RECORD_INVALID', `${field}: must be an ISO-8601 date-time`);
  const fractionMs = Math.floor(parts.nanos / 1_000_000);
  if (parts.offset === undefined) return zonedToEpochMs(parts, zone, fractionMs);
  const base = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  if (parts.offset === 'Z') return base + fractionMs;
  const sign = parts.offset.startsWith('-') ? -1 : 1;
  const hours = Number(parts.offset.slice(1, 3));
  const minutes = Number(parts.offset.slice(-2));
  return base + fractionMs - sign * (hours * 60 + minutes) * 60_000;
}
