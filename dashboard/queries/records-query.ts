import r from 'rethinkdb';
import type { RecordKind } from './record-kinds.js';
import { RECORD_KINDS } from './record-kinds.js';
import type { RecordFilter } from './record-filter.js';

/** Field paths of the dimension filters, per kind (events have no stations or car groups). */
function dimensionFilters(kind: RecordKind, filter: RecordFilter): r.Expression<boolean>[] {
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
export function recordsInPeriod(db: string, kind: RecordKind, filter: RecordFilter): r.Sequence {
  const { table, time } = RECORD_KINDS[kind];
  let query = r.db(db).table(table).between(filter.from, filter.to, { index: time }).orderBy({ index: time });
  for (const condition of dimensionFilters(kind, filter)) query = query.filter(condition);
  return query;
}
