/**
 * The lines `quoteflow check` prints for a difference, computed over plain data so the comparison
 * is tested without a server. Each function compares one bounded slice of the store (a station
 * pair, a pickup station, a window of buckets); the caller streams the slices.
 */

/** Ids present on one side only: stored ones first, then expected ones. */
export function setDifferences(
  what: string,
  stored: Iterable<string>,
  expected: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const storedIds = new Set(stored);
  for (const id of storedIds) if (!expected.has(id)) out.push(`${what} ${id}: stored but not expected`);
  for (const id of expected) if (!storedIds.has(id)) out.push(`${what} ${id}: expected but not stored`);
  return out;
}

export interface StoredRollup {
  id: string;
  counts: Record<string, number>;
}

/**
 * Counter differences between stored rollup documents and recomputed totals, by id then metric.
 * A counter missing on one side counts as 0, so a document whose counters were all retracted to 0
 * equals a document that was never written.
 */
export function rollupDifferences(
  expected: Readonly<Record<string, Readonly<Record<string, number>>>>,
  stored: Iterable<StoredRollup>,
): string[] {
  const have = new Map<string, Readonly<Record<string, number>>>();
  for (const doc of stored) have.set(doc.id, doc.counts);
  const out: string[] = [];
  for (const id of [...new Set([...Object.keys(expected), ...have.keys()])].sort()) {
    const a = have.get(id) ?? {};
    const b = expected[id] ?? {};
    for (const metric of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const storedValue = a[metric] ?? 0;
      const computed = b[metric] ?? 0;
      if (storedValue !== computed)
        out.push(`rollup ${id} ${metric}: stored ${storedValue}, recomputed ${computed}`);
    }
  }
  return out;
}
