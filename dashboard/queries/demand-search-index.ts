import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { DemandSearch } from './demand-search.js';

/**
 * The demands of a period whose quotes name the searched customer email or phone, through the
 * `customerEmail` / `customerPhone` indexes of `quotes` (the processor stores them normalised by
 * the same rules the search normalises what is typed with), instead of reading the period's
 * quotes. Only quotes quoted in the period count, as when the period was scanned. Null for a
 * search by name or reference, which no index holds (those still scan: demands-routes.ts).
 *
 * Quotes stored before the processor wrote these fields lack them until their record changes or
 * `quoteflow reprocess` runs (processor/README.md, "Identities"): such quotes are not found.
 */
export async function demandIdsByCustomerIndex(
  db: RethinkdbClient,
  search: DemandSearch,
  period: { from: string; to: string },
): Promise<Set<string> | null> {
  if (search.by !== 'email' && search.by !== 'phone') return null;
  const [index, key] =
    search.by === 'email' ? ['customerEmail', search.email] : ['customerPhone', search.phone];
  const quotes = (await db.run(
    r
      .db(db.db)
      .table('quotes')
      .getAll(key, { index })
      .filter(r.row('quotedAt').ge(period.from).and(r.row('quotedAt').lt(period.to)))
      .pluck('clusterId')
      .coerceTo('array'),
  )) as { clusterId: string }[];
  return new Set(quotes.map((quote) => quote.clusterId));
}
