import { z } from 'zod';
import type { RollupDoc } from './rollup-doc.js';

const dimension = z.string().trim().min(1).max(64);

/** The dashboard's dimension filters; absent means all. */
export const kpiFilterSchema = z.strictObject({
  source: dimension.optional(),
  station: dimension.transform((s) => s.toUpperCase()).optional(),
  carGroup: dimension.optional(),
  channel: dimension.optional(),
});
export type KpiFilter = z.output<typeof kpiFilterSchema>;

/** Whether a trip rollup falls under the filter (event rollups have no such dimensions: always). */
export function matchesFilter(doc: RollupDoc, filter: KpiFilter): boolean {
  if (doc.kind === 'event') return true;
  return (
    (filter.source === undefined || doc.source === filter.source) &&
    (filter.station === undefined || doc.pickupStation === filter.station) &&
    (filter.carGroup === undefined || doc.carGroup === filter.carGroup) &&
    (filter.channel === undefined || doc.channel === filter.channel)
  );
}

/** A canonical key for a filter, naming its Socket.IO room: equal filters share one room. */
export function filterKey(filter: KpiFilter): string {
  return JSON.stringify([
    filter.source ?? null,
    filter.station ?? null,
    filter.carGroup ?? null,
    filter.channel ?? null,
  ]);
}
