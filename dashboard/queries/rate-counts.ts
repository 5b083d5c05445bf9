import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { PeriodFilter } from './record-filter.js';
import { recordsInPeriod } from './records-query.js';

/** The rates of the explore table that drill down to the demands list. */
export const RATES = ['conversion', 'duplicates'] as const;
export type RateName = (typeof RATES)[number];

/** A rate as the counts it divides, so a drill-down can show both and they can be checked. */
export interface RateCounts {
  rate: RateName;
  numerator: number;
  denominator: number;
}

/**
 * The numerator and denominator of an explore rate, counted from the records of the period with
 * the same dimension filters, as DESIGN.md defines the KPI (and as the rollups sum it):
 * conversion = converted demands / demands; duplicate rate = (quotes − demands) / quotes, where a
 * quote is filtered by its own dimensions and a demand by those of its earliest quote.
 *
 * Counted without a cap, unlike a listing's `total`: this is asked only when an analyst opens a
 * rate, and a capped count would disagree with the cell it came from.
 */
export async function rateCounts(
  db: RethinkdbClient,
  rate: RateName,
  filter: PeriodFilter,
): Promise<RateCounts> {
  const demands = recordsInPeriod(db.db, 'clusters', filter);
  if (rate === 'conversion') {
    const [converted, all] = (await db.run(
      r.expr([demands.filter(r.row('converted').eq(true)).count(), demands.count()]),
    )) as [number, number];
    return { rate, numerator: converted, denominator: all };
  }
  const [quotes, demandCount] = (await db.run(
    r.expr([recordsInPeriod(db.db, 'quotes', filter).count(), demands.count()]),
  )) as [number, number];
  return { rate, numerator: quotes - demandCount, denominator: quotes };
}
