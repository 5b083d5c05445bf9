import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { rollupsInPeriod } from '../queries/rollups-query.js';
import { uniqueVisitors } from '../queries/unique-visitors.js';
import type { ExploreGranularity, ExploreRow, GroupBy } from '../../lib/kpi/explore.js';
import { explore, sourceGranularity } from '../../lib/kpi/explore.js';
import type { KpiFilter } from '../../lib/kpi/kpi-filter.js';

export interface ExploreQuery {
  from: string;
  to: string;
  granularity: ExploreGranularity;
  groupBy?: GroupBy | undefined;
  filter: KpiFilter;
}

/**
 * The explore table of a period: the stored rollups summed per bucket (and group), with each
 * ungrouped row's unique visitors. One function for the API, its export and scheduled reports,
 * so a report holds exactly what the analyst saw in explore.
 */
export async function exploreTable(
  db: RethinkdbClient,
  query: ExploreQuery,
  zone: string,
): Promise<ExploreRow[]> {
  const stored = sourceGranularity(query.granularity);
  const docs = await rollupsInPeriod(db, stored, query.from, query.to, query.filter);
  const rows = explore(docs, { granularity: query.granularity, groupBy: query.groupBy, zone });
  // Visitors belong to no trip dimension: counted on ungrouped rows only.
  if (query.groupBy === undefined) {
    for (const row of rows) row.uniqueVisitors = await uniqueVisitors(db, stored, row.start, row.end);
  }
  return rows;
}
