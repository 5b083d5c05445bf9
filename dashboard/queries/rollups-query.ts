import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { KpiFilter } from '../../lib/kpi/kpi-filter.js';
import { matchesFilter } from '../../lib/kpi/kpi-filter.js';
import type { RollupDoc } from '../../lib/kpi/rollup-doc.js';

/**
 * The rollups of one stored granularity whose bucket starts in [from, to), under a filter. The
 * range is read through the `granularity_start` index; the dimension filter runs here, on plain
 * data, so nothing from a request ever becomes part of a query. Read through a cursor, keeping
 * only what the filter matches: RethinkDB refuses to build an array of more than 100,000
 * documents on the server, which a long period of many dimensions reaches.
 */
export async function rollupsInPeriod(
  db: RethinkdbClient,
  granularity: RollupDoc['granularity'],
  from: string,
  to: string,
  filter: KpiFilter,
): Promise<RollupDoc[]> {
  const cursor = await db.run(
    r
      .db(db.db)
      .table('rollups')
      .between([granularity, from], [granularity, to], { index: 'granularity_start' }),
  );
  const matching: RollupDoc[] = [];
  for await (const doc of cursorRows<RollupDoc>(cursor)) if (matchesFilter(doc, filter)) matching.push(doc);
  return matching;
}
