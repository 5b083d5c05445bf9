import type { BookingUpsert, QuoteUpsert } from '../../lib/records/canonical.js';
import type { BucketClock } from '../../processor/core/kpi/buckets.js';
import { stateTotals } from '../../processor/core/kpi/contributions.js';
import { RollupDelta } from '../../processor/core/kpi/rollup-delta.js';
import type { RollupKey } from '../../processor/core/kpi/rollup-delta.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import type { BookingDoc, ClusterDoc, QuoteDoc } from '../../processor/store/documents.js';
import { bookingDoc, clusterDoc, quoteDoc } from '../../processor/store/documents.js';
import { resolveRecords } from './resolve-helper.js';

export type RollupDoc = RollupKey & { id: string; counts: Record<string, number> };

export interface StoredState {
  quotes: QuoteDoc[];
  bookings: BookingDoc[];
  clusters: ClusterDoc[];
  rollups: RollupDoc[];
}

/**
 * The documents a processor keeps for these live records (one partition, 0), made with the same
 * document and rollup functions: a consistent store for check tests to load or to compare against.
 */
export function storedState(
  records: readonly (QuoteUpsert | BookingUpsert)[],
  rules: ResolutionRules,
  clock: BucketClock,
): StoredState {
  const resolver = resolveRecords(records, rules);
  const state: StoredState = { quotes: [], bookings: [], clusters: [], rollups: [] };
  for (const record of records) {
    if (record.kind === 'quote') {
      const view = resolver.quoteView(record.id);
      if (view) state.quotes.push(quoteDoc(record, view, 0));
    } else {
      const view = resolver.bookingView(record.id);
      if (view) state.bookings.push(bookingDoc(record, view, 0));
    }
  }
  state.clusters = resolver.clusterViews().map((view) => clusterDoc(view, 0));
  for (const [id, entry] of stateTotals(new RollupDelta(), clock, resolver).entries)
    state.rollups.push({ id, ...entry.key, counts: Object.fromEntries(entry.counts) });
  return state;
}
