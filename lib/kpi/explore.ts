import type { KpiTotals } from './kpi-totals.js';
import { kpiTotals, sumCounts } from './kpi-totals.js';
import type { RollupDoc } from './rollup-doc.js';
import { localDate, localMidnight, monthStart, weekStart } from '../time/zoned-time.js';

export const EXPLORE_GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export type ExploreGranularity = (typeof EXPLORE_GRANULARITIES)[number];
export const GROUP_BY = ['source', 'pickupStation', 'carGroup', 'channel'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface ExploreRow {
  /** Bucket start and end (exclusive), ISO-8601 UTC: the period to drill down into. */
  start: string;
  end: string;
  /** What an analyst reads: `2026-06-25 14:00`, `2026-06-25`, `week of 2026-06-22`, `2026-06`. */
  label: string;
  /** The group's value when grouped by a dimension, else null. */
  group: string | null;
  totals: KpiTotals;
  /** Distinct visitors of the period (set on ungrouped rows by the route; not a rollup sum). */
  uniqueVisitors?: number;
}

interface Bucket {
  start: string;
  end: string;
  label: string;
}

/** Which stored granularity an explore granularity is summed from: weeks and months from days. */
export function sourceGranularity(granularity: ExploreGranularity): 'hour' | 'day' {
  return granularity === 'hour' ? 'hour' : 'day';
}

/** `YYYY-MM-DD` plus whole days, in the calendar (no zone involved). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function nextMonth(first: string): string {
  const [year = 0, month = 1] = first.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/** The local days [from, to) as a bucket: midnights in the zone, so DST days last 23 or 25 hours. */
function localDays(from: string, to: string, label: string, zone: string): Bucket {
  return {
    start: localMidnight(from, zone).toISOString(),
    end: localMidnight(to, zone).toISOString(),
    label,
  };
}

function bucketOf(doc: RollupDoc, granularity: ExploreGranularity, zone: string): Bucket {
  const instant = new Date(doc.start);
  const date = localDate(instant, zone);
  switch (granularity) {
    case 'hour': {
      const time = instant.toLocaleTimeString('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
      });
      return {
        start: doc.start,
        end: new Date(instant.getTime() + 3_600_000).toISOString(),
        label: `${date} ${time}`,
      };
    }
    case 'day':
      return localDays(date, addDays(date, 1), date, zone);
    case 'week': {
      const monday = weekStart(date);
      return localDays(monday, addDays(monday, 7), `week of ${monday}`, zone);
    }
    case 'month': {
      const first = monthStart(date);
      return localDays(first, nextMonth(first), first.slice(0, 7), zone);
    }
  }
}

/**
 * Sums rollup documents into explore rows: one per bucket (and group), in time order then group
 * order. Grouped rows hold trip KPIs only: events have no trip dimensions.
 */
export function explore(
  docs: Iterable<RollupDoc>,
  options: { granularity: ExploreGranularity; groupBy?: GroupBy | undefined; zone: string },
): ExploreRow[] {
  const rows = new Map<string, Bucket & { group: string | null; docs: RollupDoc[] }>();
  for (const doc of docs) {
    if (options.groupBy !== undefined && doc.kind !== 'trip') continue;
    const bucket = bucketOf(doc, options.granularity, options.zone);
    const group = options.groupBy === undefined ? null : (doc[options.groupBy] ?? '');
    const key = `${bucket.start}|${group ?? ''}`;
    let row = rows.get(key);
    if (!row) {
      row = { ...bucket, group, docs: [] };
      rows.set(key, row);
    }
    row.docs.push(doc);
  }
  return [...rows.values()]
    .sort((a, b) =>
      a.start === b.start ? (a.group ?? '').localeCompare(b.group ?? '') : a.start < b.start ? -1 : 1,
    )
    .map((row) => ({
      start: row.start,
      end: row.end,
      label: row.label,
      group: row.group,
      totals: kpiTotals(sumCounts(row.docs)),
    }));
}
