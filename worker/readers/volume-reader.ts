import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { wallClockAt, zonedToEpochMs } from '../../lib/time/zone.js';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

interface TripRollup {
  kind: string;
  source?: string;
  pickupStation?: string;
  counts: Record<string, number>;
}

/**
 * The hour bucket `weeksBack` weeks before `hourStart` on the KPI zone's wall clock (so across a
 * summer-time change it is still "Tuesday 10:00 local"), as a bucket start (hours are UTC buckets).
 */
export function sameHourWeeksBefore(hourStartMs: number, weeksBack: number, zone: string): number {
  const local = zonedToEpochMs(wallClockAt(hourStartMs, zone), zone, -weeksBack * WEEK);
  return Math.floor(local / HOUR) * HOUR;
}

/** The counters a rate check needs of one subject in one hour. */
export interface HourCounts {
  quotes: number;
  demands: number;
}

/** Quotes and demands per subject (source, or `source/station` with perStation) in one hour bucket. */
export async function countsInHour(
  db: RethinkdbClient,
  hourStartMs: number,
  perStation: boolean,
): Promise<Map<string, HourCounts>> {
  const start = new Date(hourStartMs).toISOString();
  const cursor = await db.run(
    r.db(db.db).table('rollups').getAll(['hour', start], { index: 'granularity_start' }),
  );
  const counts = new Map<string, HourCounts>();
  const add = (subject: string, quotes: number, demands: number) => {
    const entry = counts.get(subject) ?? { quotes: 0, demands: 0 };
    entry.quotes += quotes;
    entry.demands += demands;
    counts.set(subject, entry);
  };
  for await (const doc of cursorRows<TripRollup>(cursor)) {
    if (doc.kind !== 'trip' || doc.source === undefined) continue;
    const quotes = doc.counts.quotes ?? 0;
    const demands = doc.counts.demands ?? 0;
    if (quotes === 0 && demands === 0) continue;
    add(doc.source, quotes, demands);
    if (perStation && doc.pickupStation !== undefined)
      add(`${doc.source}/${doc.pickupStation}`, quotes, demands);
  }
  return counts;
}

/**
 * The counts of the last full hour before `now` and of the same hour in each of the `weeks`
 * previous weeks (`previous[k]`: k+1 weeks before), the baseline of the volume and rate checks.
 */
export async function lastHourAndWeeksBefore(
  db: RethinkdbClient,
  now: Date,
  settings: { weeks: number; perStation: boolean },
  zone: string,
): Promise<{ hourStart: string; current: Map<string, HourCounts>; previous: Map<string, HourCounts>[] }> {
  const hourStart = Math.floor(now.getTime() / HOUR) * HOUR - HOUR;
  const current = await countsInHour(db, hourStart, settings.perStation);
  const previous: Map<string, HourCounts>[] = [];
  for (let week = 1; week <= settings.weeks; week++)
    previous.push(await countsInHour(db, sameHourWeeksBefore(hourStart, week, zone), settings.perStation));
  return { hourStart: new Date(hourStart).toISOString(), current, previous };
}
