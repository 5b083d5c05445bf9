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

/** Quotes per subject (source, or `source/station` with perStation) in one hour bucket. */
export async function quotesInHour(
  db: RethinkdbClient,
  hourStartMs: number,
  perStation: boolean,
): Promise<Map<string, number>> {
  const start = new Date(hourStartMs).toISOString();
  const cursor = await db.run(
    r.db(db.db).table('rollups').getAll(['hour', start], { index: 'granularity_start' }),
  );
  const counts = new Map<string, number>();
  const add = (subject: string, value: number) => counts.set(subject, (counts.get(subject) ?? 0) + value);
  for await (const doc of cursorRows<TripRollup>(cursor)) {
    const quotes = doc.counts.quotes ?? 0;
    if (doc.kind !== 'trip' || doc.source === undefined || quotes === 0) continue;
    add(doc.source, quotes);
    if (perStation && doc.pickupStation !== undefined) add(`${doc.source}/${doc.pickupStation}`, quotes);
  }
  return counts;
}
