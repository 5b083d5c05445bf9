import r from 'rethinkdb';

/** Keys per `getAll`: far below RethinkDB's 100,000-element arrays; a year of visitors is a few hundred queries. */
export const GET_ALL_CHUNK = 1000;

interface GetAllTable {
  getAll(keys: unknown, options?: { index: string }): r.Sequence;
}

/**
 * `table.getAll(r.args(keys), {index})`: the typings know neither `r.args` nor compound keys, so
 * the cast lives here once.
 */
export function getAll(table: r.Table, keys: readonly unknown[], index?: string): r.Sequence {
  const args = (r as unknown as { args(values: readonly unknown[]): unknown }).args(keys);
  const typed = table as unknown as GetAllTable;
  // The driver reads a trailing undefined as one more key: leave the options out instead.
  return index === undefined ? typed.getAll(args) : typed.getAll(args, { index });
}

export function chunked<T>(items: Iterable<T>): T[][] {
  const all = [...items];
  const out: T[][] = [];
  for (let start = 0; start < all.length; start += GET_ALL_CHUNK)
    out.push(all.slice(start, start + GET_ALL_CHUNK));
  return out;
}
