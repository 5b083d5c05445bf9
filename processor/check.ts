import type { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import { rollupDifferences, setDifferences } from './check/differences.js';
import type { EventWindow } from './check/event-windows.js';
import { EventWindows } from './check/event-windows.js';
import type { IdentityLink } from './core/identity.js';
import { expectedLink, identityDifferences } from './check/identity-links.js';
import { CheckStoreReader } from './check/store-reader.js';
import { checkTripGroup } from './check/trip-group.js';
import { BucketClock } from './core/kpi/buckets.js';
import { RollupDelta } from './core/kpi/rollup-delta.js';
import type { ResolutionRules } from '../lib/resolution/rules.js';

export interface CheckReport {
  records: { quotes: number; bookings: number; events: number; rollups: number; identities: number };
  differences: string[];
}

/**
 * `quoteflow check`: recomputes resolution and every rollup from the stored records and compares
 * them with what the processor stored. Counters missing on one side count as 0.
 *
 * It streams the store in slices so memory does not grow with the tables (processor/README.md,
 * "`quoteflow check`"): quotes, bookings and clusters one station pair at a time, trip rollups one
 * pickup station at a time (every contribution to a trip rollup comes from records with that
 * pickup station), events in `receivedAt` order with visitors and event rollups compared a window
 * of buckets at a time.
 */
export async function checkStore(
  client: RethinkdbClient,
  rules: ResolutionRules,
  kpiTimeZone: string,
): Promise<CheckReport> {
  const reader = new CheckStoreReader(client);
  const clock = new BucketClock(kpiTimeZone);
  const records = { quotes: 0, bookings: 0, events: 0, rollups: 0, identities: 0 };
  const differences: string[] = [];
  await reader.requireIndexes();

  const pairs = await reader.stationPairs();
  for (const pickup of [...pairs.keys()].sort()) {
    const expected = new RollupDelta();
    for (const dropoff of [...(pairs.get(pickup) ?? [])].sort()) {
      const group = await reader.tripGroup(pickup, dropoff);
      records.quotes += group.quotes.length;
      records.bookings += group.bookings.length;
      differences.push(...checkTripGroup(group, rules, clock, expected));
    }
    const stored = await reader.tripRollups(pickup);
    records.rollups += stored.length;
    differences.push(...rollupDifferences(expected.toJSON(), stored));
  }

  const windows = new EventWindows(clock);
  const compare = async (window: EventWindow) => {
    const [visitorIds, stored] = await Promise.all([
      reader.visitorIds(window.from, window.to),
      reader.eventRollups(window.from, window.to),
    ]);
    records.rollups += stored.length;
    differences.push(...setDifferences('visitor', visitorIds, window.visitorIds));
    differences.push(...rollupDifferences(window.rollups.toJSON(), stored));
  };
  // Identity links: each identify/alias event's link recomputed and compared with the document of
  // its id, a thousand at a time; then the count, for links whose event is gone.
  let links: IdentityLink[] = [];
  let expectedLinks = 0;
  const compareLinks = async () => {
    const stored = await reader.identities(links.map((link) => link.id));
    differences.push(...identityDifferences(links, stored));
    links = [];
  };
  for await (const event of reader.eventsInOrder()) {
    records.events += 1;
    windows.add(event);
    const due = windows.due();
    if (due !== undefined) await compare(windows.take(due));
    const link = expectedLink(event, rules.phoneDefaultCountryCode);
    if (link) {
      links.push(link);
      expectedLinks += 1;
      if (links.length >= 1000) await compareLinks();
    }
  }
  await compare(windows.take());
  await compareLinks();
  records.identities = await reader.identityCount();
  if (records.identities > expectedLinks) {
    differences.push(
      `identities: ${records.identities} stored, ${expectedLinks} recomputed from the stored events`,
    );
  }

  return { records, differences };
}
