import { QuoteflowError } from '../errors.js';
import { parseTimestamp, utcMillisFastPath } from '../records/timestamp.js';
import { zonedToEpochMs } from '../time/zone.js';

/**
 * Turns canonical timestamps into epoch milliseconds. A timestamp without an offset is a wall-clock
 * time of the given IANA zone (the source's configured zone); the zone's offset comes from Intl, so
 * summer time is honoured. A wall-clock time that does not exist (skipped by a spring-forward) is
 * read with the offset in force before the change; an ambiguous one (autumn) as the earlier instant.
 */

export type { WallClock } from '../time/zone.js';
export { wallClockAt, zoneOffsetMs, zonedToEpochMs } from '../time/zone.js';

/** Epoch milliseconds of a canonical timestamp; `zone` applies only when it carries no offset. */
export function toEpochMs(timestamp: string, zone: string, field = 'timestamp'): number {
  const fast = utcMillisFastPath(timestamp);
  if (fast !== undefined) return fast;
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
