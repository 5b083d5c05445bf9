import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';

const MINVAL = (r as unknown as { minval: unknown }).minval;

/**
 * Distinct visitors seen in [from, to), counted from the processor's visitor marks (one document
 * per visitor, bucket and project) of one stored granularity. Distinct over the whole period: a
 * week's visitors are not the sum of its days' visitors.
 */
export async function uniqueVisitors(
  db: RethinkdbClient,
  granularity: 'hour' | 'day',
  from: string,
  to: string,
): Promise<number> {
  const marks = r
    .db(db.db)
    .table('visitors')
    .between([granularity, from, MINVAL], [granularity, to, MINVAL], { index: 'granularity_start_project' });
  return db.run(
    marks
      .map((mark) => (mark as unknown as (field: string) => r.Expression<string>)('visitor'))
      .distinct()
      .count(),
  );
}
