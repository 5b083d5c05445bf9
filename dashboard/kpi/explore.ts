import type { KpiTotals } from './kpi-totals.js';
import { kpiTotals, sumCounts } from './kpi-totals.js';
import type { RollupDoc } from './rollup-doc.js';
import { localDate, localMidnight, monthStart, weekStart } from './zoned-time.js';

export const EXPLORE_GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export type ExploreGranularity = (typeof EXPLORE_GRANULARITIES)[number];
export const GROUP_BY = ['source', 'pickupStation', 'carGroup', 'channel'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface ExploreRow {
  /** Bucket start, ISO-8601 UTC: with the next row's start, the period to drill down into. */
  start: string;
  /** What an analyst reads: `2026-06-25 14:00`, `2026-06-25`, `week of 2026-06-22`, `2026-06`. */
  label: string;
  /** The group's value when grouped by a dimension, else null. */
  group: string | null;
  totals: KpiTotals;
}

/** Which stored granularity an explore granularity is summed from: weeks and months from days. */
export function sourceGranularity(granularity: ExploreGranularity): 'hour' | 'day' {
  return granularity === 'hour' ? 'hour' : 'day';
}

function bucketOf(
  doc: RollupDoc,
  granularity: ExploreGranularity,
  zone: string,
): { start: string; label: string } {
  const instant = new Date(doc.start);
  const date = localDate(instant, zone);
  switch (granularity) {
    case 'hour':
      return {
        start: doc.start,
        label: `${date} ${instant.toLocaleTimeString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' })}`,
      };
    case 'day':
      return { start: doc.start, label: date };
    case 'week': {
      const monday = weekStart(date);
      return { start: localMidnight(monday, zone).toISOString(), label: `week of ${monday}` };
    }
    case 'month': {
      const first = monthStart(date);
      return { start: localMidnight(first, zone).toISOString(), label: first.slice(0, 7) };
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
  const rows = new Map<string, { start: string; label: string; group: string | null; docs: RollupDoc[] }>();
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
      label: row.label,
      group: row.group,
      totals: kpiTotals(sumCounts(row.docs)),
    }));
}
