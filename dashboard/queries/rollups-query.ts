import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { KpiFilter } from '../kpi/kpi-filter.js';
import { matchesFilter } from '../kpi/kpi-filter.js';
import type { RollupDoc } from '../kpi/rollup-doc.js';

/**
 * The rollups of one stored granularity whose bucket starts in [from, to), under a filter. The
 * range is read through the `granularity_start` index; the dimension filter runs here, on plain
 * data, so nothing from a request ever becomes part of a query.
 */
export async function rollupsInPeriod(
  db: RethinkdbClient,
  granularity: RollupDoc['granularity'],
  from: string,
  to: string,
  filter: KpiFilter,
): Promise<RollupDoc[]> {
  const docs = (await db.run(
    r
      .db(db.db)
      .table('rollups')
      .between([granularity, from], [granularity, to], { index: 'granularity_start' })
      .coerceTo('array'),
  )) as RollupDoc[];
  return docs.filter((doc) => matchesFilter(doc, filter));
}
