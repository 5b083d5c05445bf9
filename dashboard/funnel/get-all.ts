import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';

/** Keys per `getAll`: far below RethinkDB's 100,000-element arrays; a year of visitors is a few hundred queries. */
export const GET_ALL_CHUNK = 1000;
/**
 * `getAll` queries in flight at once: a year's funnel makes about a hundred, and one at a time each
 * waits out its round trip while the server has threads to spare.
 */
const IN_FLIGHT = 4;

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

/**
 * Runs `query` (a `getAll` and what follows it, ending in `coerceTo('array')`) over every chunk of
 * `keys`, IN_FLIGHT at a time, and returns all the rows (in no particular order).
 */
export async function getAllRows<K, T>(
  db: RethinkdbClient,
  keys: Iterable<K>,
  query: (chunk: K[]) => r.Operation<unknown>,
): Promise<T[]> {
  const pending = chunked(keys);
  const rows: T[] = [];
  const worker = async () => {
    for (let chunk = pending.shift(); chunk !== undefined; chunk = pending.shift())
      rows.push(...((await db.run(query(chunk))) as T[]));
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, pending.length) }, worker));
  return rows;
}
