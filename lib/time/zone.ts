/**
 * Wall clocks of IANA time zones, through Intl (so summer time is honoured) — the one place the
 * connectors (source local times), the processor (day buckets) and the dashboard (exports, local
 * days) turn instants into local times and back.
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The wall clock of `zone` at instant `ms` (whole seconds). */
export function wallClockAt(ms: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function wallAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

const QUARTER_HOUR = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC at instant `ms`, in milliseconds (Europe/Rome in July: +7,200,000).
 * Zones change offset only at whole quarter hours, so the answer is cached per quarter hour:
 * Intl's formatToParts is the costliest step where rows or records are converted by the million.
 */
export function zoneOffsetMs(ms: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  const quarter = Math.floor(ms / QUARTER_HOUR);
  let zoneCache = offsetCache.get(zone);
  if (zoneCache === undefined) {
    zoneCache = new Map();
    offsetCache.set(zone, zoneCache);
  }
  const cached = zoneCache.get(quarter);
  if (cached !== undefined) return cached;
  const start = quarter * QUARTER_HOUR;
  const offset = wallAsUtc(wallClockAt(start, zone)) - start;
  if (zoneCache.size >= 100_000) zoneCache.clear();
  zoneCache.set(quarter, offset);
  return offset;
}

/**
 * The instant at which `zone`'s wall clock shows a time, given as that wall time read as if it were
 * UTC. A time skipped by a daylight-saving jump is read with the offset before the jump; a repeated
 * one takes the first (earlier) of its two instants.
 */
export function wallTimeToEpochMs(wallAsUtcMs: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return wallAsUtcMs;
  const before = zoneOffsetMs(wallAsUtcMs - 12 * 3_600_000, zone);
  const after = zoneOffsetMs(wallAsUtcMs + 12 * 3_600_000, zone);
  const valid = [wallAsUtcMs - before, wallAsUtcMs - after].filter(
    (instant) => zoneOffsetMs(instant, zone) === wallAsUtcMs - instant,
  );
  return valid.length === 0 ? wallAsUtcMs - before : Math.min(...valid);
}

/** The instant at which `zone`'s wall clock shows `wall` (plus `extraMs`). */
export function zonedToEpochMs(wall: WallClock, zone: string, extraMs = 0): number {
  return wallTimeToEpochMs(wallAsUtc(wall) + extraMs, zone);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in a zone: the form spreadsheets read as a date. */
export function formatWallClock(ms: number, zone: string): string {
  const w = wallClockAt(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}
