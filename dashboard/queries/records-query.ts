import r from 'rethinkdb';
import type { RecordKind } from '../../lib/records/record-kinds.js';
import { RECORD_KINDS } from '../../lib/records/record-kinds.js';
import type { PeriodFilter } from './record-filter.js';
import type { PageCursor } from './page-cursor.js';

const MINVAL = (r as unknown as { minval: unknown }).minval;

/** Field paths of the dimension filters, per kind (events have no stations or car groups). */
function dimensionFilters(kind: RecordKind, filter: PeriodFilter): r.Expression<boolean>[] {
  const conditions: r.Expression<boolean>[] = [];
  const equal = (path: string[], value: string) => {
    const field = path.reduce<r.Expression<unknown>>(
      (row, key) => (row as unknown as (k: string) => r.Expression<unknown>)(key),
      r.row as unknown as r.Expression<unknown>,
    );
    conditions.push((field as unknown as { eq(v: string): r.Expression<boolean> }).eq(value));
  };
  if (kind === 'events') {
    if (filter.type !== undefined) equal(['type'], filter.type);
    return conditions;
  }
  if (filter.source !== undefined) equal(['source'], filter.source);
  if (filter.station !== undefined)
    equal(kind === 'clusters' ? ['pickupStation'] : ['pickup', 'station'], filter.station);
  if (filter.carGroup !== undefined) equal(['carGroup'], filter.carGroup);
  if (filter.channel !== undefined) equal(['channel'], filter.channel);
  return conditions;
}

/**
 * The records of a period, oldest first, with the filters applied: a `between` on the time index,
 * so only the period is read. The result is a stream: exports read it with a cursor.
 */
export function recordsInPeriod(db: string, kind: RecordKind, filter: PeriodFilter): r.Sequence {
  const { table, time } = RECORD_KINDS[kind];
  let query = r.db(db).table(table).between(filter.from, filter.to, { index: time }).orderBy({ index: time });
  for (const condition of dimensionFilters(kind, filter)) query = query.filter(condition);
  return query;
}

/**
 * One page of a period's records by keyset: the rows after (or before) a cursor's `[time, id]` on
 * the compound index, read in index order up to `limit + 1` (the extra row says there are more).
 * The store starts reading at the cursor, so a page deep in the period reads as many rows as the
 * first; ties of time are ordered by id, so no row is skipped or shown twice across pages.
 * `before` reads backwards (the page is reversed by `keysetPage`).
 */
export function recordsPageQuery(
  db: string,
  kind: RecordKind,
  filter: PeriodFilter,
  limit: number,
  cursor: PageCursor | undefined,
): r.Sequence {
  const { table, pageIndex } = RECORD_KINDS[kind];
  const rows = r.db(db).table(table);
  // [time, minval] sorts before every [time, id]: the period's bounds keep their meaning (from
  // inclusive, to exclusive) on the compound index.
  const start = [filter.from, MINVAL];
  const end = [filter.to, MINVAL];
  let query: r.Sequence;
  if (cursor?.direction === 'before') {
    query = rows
      .between(start, [cursor.key.time, cursor.key.id], { index: pageIndex })
      .orderBy({ index: r.desc(pageIndex) });
  } else if (cursor?.direction === 'after') {
    query = rows
      .between([cursor.key.time, cursor.key.id], end, { index: pageIndex, left_bound: 'open' })
      .orderBy({ index: pageIndex });
  } else {
    query = rows.between(start, end, { index: pageIndex }).orderBy({ index: pageIndex });
  }
  for (const condition of dimensionFilters(kind, filter)) query = query.filter(condition);
  return query.limit(limit + 1);
}
