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
const DAY = 86_400_000;
const offsetCache = new Map<string, Map<number, number>>();
/** Per zone and UTC day: the offset that holds all day, or null for a day with a transition. */
const dayCache = new Map<string, Map<number, number | null>>();

function cacheOf<T>(caches: Map<string, Map<number, T>>, zone: string): Map<number, T> {
  let cache = caches.get(zone);
  if (cache === undefined) {
    cache = new Map();
    caches.set(zone, cache);
  }
  return cache;
}

/** The offset at a quarter hour, from Intl (cached: formatToParts is the costliest step). */
function quarterOffsetMs(ms: number, zone: string): number {
  const quarter = Math.floor(ms / QUARTER_HOUR);
  const cache = cacheOf(offsetCache, zone);
  const cached = cache.get(quarter);
  if (cached !== undefined) return cached;
  const start = quarter * QUARTER_HOUR;
  const offset = wallAsUtc(wallClockAt(start, zone)) - start;
  if (cache.size >= 100_000) cache.clear();
  cache.set(quarter, offset);
  return offset;
}

/**
 * The zone's offset from UTC at instant `ms`, in milliseconds (Europe/Rome in July: +7,200,000).
 * Zones change offset only at whole quarter hours and at most once a day, so a UTC day whose first
 * and last quarter hours have the same offset has it throughout: one answer per day (two Intl
 * calls) instead of one per quarter hour, since rows spread over a year of pickups asked Intl for
 * nearly every row (bench/connectors.ts --cpu-prof). A day with a transition is answered per
 * quarter hour.
 */
export function zoneOffsetMs(ms: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  const day = Math.floor(ms / DAY);
  const days = cacheOf(dayCache, zone);
  let dayOffset = days.get(day);
  if (dayOffset === undefined) {
    const first = quarterOffsetMs(day * DAY, zone);
    const last = quarterOffsetMs((day + 1) * DAY - QUARTER_HOUR, zone);
    dayOffset = first === last ? first : null;
    if (days.size >= 100_000) days.clear();
    days.set(day, dayOffset);
  }
  return dayOffset ?? quarterOffsetMs(ms, zone);
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
