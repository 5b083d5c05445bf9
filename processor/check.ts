import r from 'rethinkdb';
import type { CanonicalEvent } from '../lib/records/canonical.js';
import type { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import { BucketClock } from './core/kpi/buckets.js';
import { stateTotals } from './core/kpi/contributions.js';
import { addEvent, visitorMarks } from './core/kpi/event-contributions.js';
import { RollupDelta } from './core/kpi/rollup-delta.js';
import { Resolver } from './core/resolver.js';
import type { ResolutionRules } from './core/rules.js';
import { toTripChange } from './core/trip-change.js';
import type { BookingDoc, QuoteDoc } from './store/documents.js';
import type { Table } from './store/reql.js';

export interface CheckReport {
  records: { quotes: number; bookings: number; events: number; rollups: number };
  differences: string[];
}

/**
 * `quoteflow check`: recomputes resolution and every rollup from the stored records and compares
 * them with what the processor stored. Counters missing on one side count as 0.
 */
export async function checkStore(
  client: RethinkdbClient,
  rules: ResolutionRules,
  kpiTimeZone: string,
): Promise<CheckReport> {
  const all = async <T>(name: string): Promise<T[]> =>
    (await client.run((r.db(client.db).table(name) as unknown as Table).coerceTo('array'))) as T[];
  const [quotes, bookings, events, rollups, visitors, clusters] = await Promise.all([
    all<QuoteDoc>('quotes'),
    all<BookingDoc>('bookings'),
    all<CanonicalEvent>('events'),
    all<{ id: string; counts: Record<string, number> }>('rollups'),
    all<{ id: string }>('visitors'),
    all<{ id: string }>('clusters'),
  ]);
  const differences: string[] = [];
  const resolver = new Resolver(rules);
  for (const doc of [...quotes, ...bookings]) resolver.apply(toTripChange(doc, rules));

  for (const doc of quotes) {
    const expected = resolver.quoteView(doc.id)?.clusterId;
    if (expected !== doc.clusterId)
      differences.push(`quote ${doc.id} clusterId: stored ${doc.clusterId}, expected ${String(expected)}`);
  }
  for (const doc of bookings) {
    const view = resolver.bookingView(doc.id);
    if (view?.quoteId !== doc.quoteId || view.clusterId !== doc.clusterId) {
      differences.push(
        `booking ${doc.id}: stored quoteId ${String(doc.quoteId)} clusterId ${String(doc.clusterId)}, ` +
          `expected ${String(view?.quoteId)} ${String(view?.clusterId)}`,
      );
    }
  }
  compareSets(
    'cluster',
    new Set(clusters.map((doc) => doc.id)),
    new Set(resolver.clusterViews().map((view) => view.id)),
    differences,
  );

  const clock = new BucketClock(kpiTimeZone);
  const expected = stateTotals(new RollupDelta(), clock, resolver);
  const expectedVisitors = new Set<string>();
  for (const event of events) {
    addEvent(expected, clock, event);
    for (const mark of visitorMarks(clock, event)) expectedVisitors.add(mark.id);
  }
  compareSets('visitor', new Set(visitors.map((doc) => doc.id)), expectedVisitors, differences);

  const want = expected.toJSON();
  const have = new Map(rollups.map((doc) => [doc.id, doc.counts]));
  for (const id of [...new Set([...Object.keys(want), ...have.keys()])].sort()) {
    const a = have.get(id) ?? {};
    const b = want[id] ?? {};
    for (const metric of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const stored = a[metric] ?? 0;
      const computed = b[metric] ?? 0;
      if (stored !== computed)
        differences.push(`rollup ${id} ${metric}: stored ${stored}, recomputed ${computed}`);
    }
  }
  return {
    records: {
      quotes: quotes.length,
      bookings: bookings.length,
      events: events.length,
      rollups: rollups.length,
    },
    differences,
  };
}

function compareSets(
  what: string,
  stored: ReadonlySet<string>,
  expected: ReadonlySet<string>,
  out: string[],
): void {
  for (const id of stored) if (!expected.has(id)) out.push(`${what} ${id}: stored but not expected`);
  for (const id of expected) if (!stored.has(id)) out.push(`${what} ${id}: expected but not stored`);
}
