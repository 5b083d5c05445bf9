import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { localDate, localMidnight } from '../../lib/time/zoned-time.js';
import type { CohortCounts } from '../checks/conversion-check.js';

const DAY = 86_400_000;

interface ClusterFields {
  source?: string;
  pickupStation?: string;
  firstQuotedAt: string;
  convertedAt: string | null;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * Demands first quoted on local day `day` of `zone` and those converted within `ageDays` days of
 * their first quote, per subject (source, or `source/station` with perStation). Streamed through
 * the `firstQuotedAt` index, a day at a time, only the four fields it needs.
 */
export async function cohortOfDay(
  db: RethinkdbClient,
  day: string,
  zone: string,
  settings: { ageDays: number; perStation: boolean },
): Promise<Map<string, CohortCounts>> {
  const from = localMidnight(day, zone).toISOString();
  const to = localMidnight(addDays(day, 1), zone).toISOString();
  const cursor = await db.run(
    r
      .db(db.db)
      .table('clusters')
      .between(from, to, { index: 'firstQuotedAt' })
      .pluck('source', 'pickupStation', 'firstQuotedAt', 'convertedAt'),
  );
  const counts = new Map<string, CohortCounts>();
  const add = (subject: string, converted: boolean) => {
    const entry = counts.get(subject) ?? { demands: 0, converted: 0 };
    entry.demands += 1;
    if (converted) entry.converted += 1;
    counts.set(subject, entry);
  };
  for await (const cluster of cursorRows<ClusterFields>(cursor)) {
    if (cluster.source === undefined) continue;
    const converted =
      cluster.convertedAt !== null &&
      Date.parse(cluster.convertedAt) - Date.parse(cluster.firstQuotedAt) <= settings.ageDays * DAY;
    add(cluster.source, converted);
    if (settings.perStation && cluster.pickupStation !== undefined)
      add(`${cluster.source}/${cluster.pickupStation}`, converted);
  }
  return counts;
}

/**
 * The newest cohort whose every demand had `ageDays` full days to convert — the local day that
 * ended at least `ageDays` days before `now` — and the same weekday in each of the `weeks`
 * previous weeks (`previous[k]`: k+1 weeks before).
 */
export async function lastCohortAndWeeksBefore(
  db: RethinkdbClient,
  now: Date,
  settings: { ageDays: number; weeks: number; perStation: boolean },
  zone: string,
): Promise<{ cohortDay: string; current: Map<string, CohortCounts>; previous: Map<string, CohortCounts>[] }> {
  const cohortDay = addDays(localDate(now, zone), -(settings.ageDays + 1));
  const current = await cohortOfDay(db, cohortDay, zone, settings);
  const previous: Map<string, CohortCounts>[] = [];
  for (let week = 1; week <= settings.weeks; week++)
    previous.push(await cohortOfDay(db, addDays(cohortDay, -7 * week), zone, settings));
  return { cohortDay, current, previous };
}
