import type { PageCursor, PageKey } from './page-cursor.js';

/** One page of a keyset-paged listing, in listing order, with where its neighbours start. */
export interface KeysetPage<Row> {
  items: Row[];
  /** The place of the first item in the listing (0-based). */
  start: number;
  next: PageCursor | null;
  previous: PageCursor | null;
}

/**
 * Makes a page of the rows a keyset query read: at most `limit + 1` rows, in the order the query
 * walked (descending for `before`), the extra row only saying that there are more that way.
 * Pure: the query reads, this decides.
 *
 * Coming from a cursor, the row the cursor names lies on the other side, so that side always has
 * a page (if that row is deleted meanwhile, the page there is empty and the pager starts over).
 */
export function keysetPage<Row>(
  read: readonly Row[],
  limit: number,
  cursor: PageCursor | undefined,
  keyOf: (row: Row) => PageKey,
): KeysetPage<Row> {
  const more = read.length > limit;
  const kept = more ? read.slice(0, limit) : [...read];
  const items = cursor?.direction === 'before' ? kept.reverse() : kept;
  let start = 0;
  if (cursor?.direction === 'after') start = cursor.position + 1;
  // Walking back with nothing further back: this is the first page, whatever the token counted.
  else if (cursor?.direction === 'before') start = more ? Math.max(0, cursor.position - items.length) : 0;
  const hasAfter = cursor?.direction === 'before' || more;
  const hasBefore = cursor?.direction === 'after' || (cursor?.direction === 'before' && more);
  const first = items[0];
  const last = items.at(-1);
  return {
    items,
    start,
    next:
      hasAfter && last !== undefined
        ? { direction: 'after', key: keyOf(last), position: start + items.length - 1 }
        : null,
    previous:
      hasBefore && first !== undefined ? { direction: 'before', key: keyOf(first), position: start } : null,
  };
}
