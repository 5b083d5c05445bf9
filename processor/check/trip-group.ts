import type { BucketClock } from '../core/kpi/buckets.js';
import { stateTotals } from '../core/kpi/contributions.js';
import type { RollupDelta } from '../core/kpi/rollup-delta.js';
import { Resolver } from '../core/resolver.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { toTripChange } from '../core/trip-change.js';
import type { BookingDoc, QuoteDoc } from '../store/documents.js';
import { setDifferences } from './differences.js';

/** The stored records and cluster ids of one pickup × drop-off station pair. */
export interface TripGroup {
  quotes: readonly QuoteDoc[];
  bookings: readonly BookingDoc[];
  clusterIds: readonly string[];
}

/**
 * Recomputes the clusters and matches of one station pair and compares them with what is stored;
 * adds the pair's rollup contributions to `expected`.
 *
 * Exact per pair: every duplicate rule and both match rules require equal pickup and drop-off
 * stations (rule 1's reference key includes them, processor/README.md), so no record of another
 * pair can join, split or win anything here. Resolving the pair alone therefore gives the clusters
 * and matches a resolver over the whole store gives, and the store's records are live upserts, so
 * the order they are read in does not matter (the resolver's property tests).
 */
export function checkTripGroup(
  group: TripGroup,
  rules: ResolutionRules,
  clock: BucketClock,
  expected: RollupDelta,
): string[] {
  const differences: string[] = [];
  const resolver = new Resolver(rules);
  for (const doc of group.quotes) resolver.apply(toTripChange(doc, rules));
  for (const doc of group.bookings) resolver.apply(toTripChange(doc, rules));

  for (const doc of group.quotes) {
    const want = resolver.quoteView(doc.id)?.clusterId;
    if (want !== doc.clusterId)
      differences.push(`quote ${doc.id} clusterId: stored ${doc.clusterId}, expected ${String(want)}`);
  }
  for (const doc of group.bookings) {
    const view = resolver.bookingView(doc.id);
    if (view?.quoteId !== doc.quoteId || view.clusterId !== doc.clusterId) {
      differences.push(
        `booking ${doc.id}: stored quoteId ${String(doc.quoteId)} clusterId ${String(doc.clusterId)}, ` +
          `expected ${String(view?.quoteId)} ${String(view?.clusterId)}`,
      );
    }
  }
  differences.push(
    ...setDifferences('cluster', group.clusterIds, new Set(resolver.clusterViews().map((view) => view.id))),
  );
  stateTotals(expected, clock, resolver);
  return differences;
}
