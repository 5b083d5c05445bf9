import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import type { QuoteDoc } from '../../processor/store/documents.js';
import type { DemandSearch } from './demand-search.js';
import { matchesSearch } from './demand-search.js';
import type { RecordFilter } from './record-filter.js';
import { recordsInPeriod } from './records-query.js';

/** A search reads the quotes of the period: at most this many, then it says the result is partial. */
export const SEARCH_SCAN_LIMIT = 200_000;
/** A search gathers at most this many demands (a name like "rossi" can match thousands). */
export const SEARCH_DEMAND_LIMIT = 1000;

/**
 * The demands of the period's quotes that answer a search by name or broker reference (no index
 * holds normalised names, nor references without their source): the quotes are read and compared
 * with the processor's own normalisation, up to SEARCH_SCAN_LIMIT quotes or SEARCH_DEMAND_LIMIT
 * demands (then `partial`).
 */
export async function scanQuotes(
  db: RethinkdbClient,
  filter: RecordFilter,
  search: DemandSearch,
  rules: ResolutionRules,
): Promise<{ ids: Set<string>; partial: boolean }> {
  const ids = new Set<string>();
  let scanned = 0;
  const cursor = await db.run(
    recordsInPeriod(db.db, 'quotes', {
      ...filter,
      source: undefined,
      station: undefined,
      carGroup: undefined,
      channel: undefined,
    }).pluck('clusterId', 'brokerQuoteRef', 'customer'),
  );
  for await (const quote of cursorRows<Pick<QuoteDoc, 'clusterId' | 'brokerQuoteRef' | 'customer'>>(cursor)) {
    scanned += 1;
    if (matchesSearch(quote, search, rules.phoneDefaultCountryCode)) ids.add(quote.clusterId);
    if (scanned >= SEARCH_SCAN_LIMIT || ids.size >= SEARCH_DEMAND_LIMIT) return { ids, partial: true };
  }
  return { ids, partial: false };
}
