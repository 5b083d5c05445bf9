import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { chunked, getAll } from './get-all.js';
import type { FunnelEvent } from './visit-event.js';
import { bookingIdOf, campaignOf, quoteKeyOf } from './visit-event.js';

/** The most events a path shows: a bot sharing an anonymousId must not fill a page. */
export const PATH_EVENT_LIMIT = 500;
/**
 * The most events read to find the first PATH_EVENT_LIMIT: ordering without an index happens in
 * the server's memory, which refuses arrays past 100,000, so an anonymousId shared by a bot must
 * not reach that (its path is then a sample, and `truncated` says so).
 */
export const PATH_SCAN_LIMIT = 50_000;

export interface PathEvent {
  id: string;
  type: string;
  name: string | null;
  receivedAt: string;
  anonymousId: string;
  page: string | null;
  campaign: string;
  quoteRef: string | null;
  bookingRef: string | null;
}

export interface VisitorPath {
  /** The visitors linked to the demand, each with how: `quoteRef`, `bookingRef`, `email`, `phone`. */
  visitors: { anonymousId: string; linkedBy: string[] }[];
  /** Their events, oldest first. */
  events: PathEvent[];
  /** More events than PATH_EVENT_LIMIT: the newest were left out (past PATH_SCAN_LIMIT, a sample). */
  truncated: boolean;
}

type StoredEvent = FunnelEvent & {
  id: string;
  receivedAt: string;
  name?: string | null;
  context?: { campaign?: Record<string, unknown> | null; page?: unknown } | null;
};

/**
 * A demand's visitors and their events in time order: the visitors whose events name one of the
 * demand's quotes (source + broker reference) or bookings, and those whose identify calls gave
 * the email or phone of one of its quotes — the same links the funnel counts, read the other way
 * (indexes `events.quoteRef`, `events.bookingRef`, `identities.email`/`phone`, `events.anonymousId`).
 */
export async function readVisitorPath(db: RethinkdbClient, clusterId: string): Promise<VisitorPath> {
  const table = (name: string) => r.db(db.db).table(name);
  const quotes = (await db.run(
    table('quotes')
      .getAll(clusterId, { index: 'clusterId' })
      .pluck('source', 'brokerQuoteRef', 'customerEmail', 'customerPhone')
      .coerceTo('array'),
  )) as {
    source: string;
    brokerQuoteRef?: string | null;
    customerEmail?: string | null;
    customerPhone?: string | null;
  }[];
  const bookings = (await db.run(
    table('bookings').getAll(clusterId, { index: 'clusterId' }).pluck('id').coerceTo('array'),
  )) as { id: string }[];
  const bookingIds = bookings.map((booking) => booking.id);

  const linkedBy = new Map<string, Set<string>>();
  const link = (visitor: string | null | undefined, how: string) => {
    if (!visitor) return;
    let set = linkedBy.get(visitor);
    if (!set) linkedBy.set(visitor, (set = new Set()));
    set.add(how);
  };

  const quoteKeys = new Set(
    quotes.flatMap((quote) => {
      const ref = quote.brokerQuoteRef?.trim();
      return ref ? [JSON.stringify([quote.source, ref])] : [];
    }),
  );
  const refs = new Set(
    quotes.flatMap((quote) =>
      quote.brokerQuoteRef ? [quote.brokerQuoteRef, quote.brokerQuoteRef.trim()] : [],
    ),
  );
  for (const keys of chunked(refs)) {
    const events = (await db.run(
      getAll(table('events'), keys, 'quoteRef')
        .pluck('anonymousId', 'quoteRef', 'properties')
        .limit(PATH_SCAN_LIMIT)
        .coerceTo('array'),
    )) as StoredEvent[];
    for (const event of events) {
      const key = quoteKeyOf(event);
      if (key && quoteKeys.has(JSON.stringify(key))) link(event.anonymousId, 'quoteRef');
    }
  }
  const bookingRefs = new Set(bookingIds.map((id) => id.slice(id.indexOf(':') + 1)));
  const ownBookings = new Set(bookingIds);
  for (const keys of chunked(bookingRefs)) {
    const events = (await db.run(
      getAll(table('events'), keys, 'bookingRef')
        .pluck('anonymousId', 'bookingRef', 'properties')
        .limit(PATH_SCAN_LIMIT)
        .coerceTo('array'),
    )) as StoredEvent[];
    for (const event of events) {
      const id = bookingIdOf(event);
      if (id && ownBookings.has(id)) link(event.anonymousId, 'bookingRef');
    }
  }
  for (const [index, field] of [
    ['email', 'customerEmail'],
    ['phone', 'customerPhone'],
  ] as const) {
    const keys = [...new Set(quotes.flatMap((quote) => (quote[field] ? [quote[field]] : [])))];
    if (keys.length === 0) continue;
    const identities = (await db.run(
      getAll(table('identities'), keys, index).pluck('anonymousId').limit(PATH_SCAN_LIMIT).coerceTo('array'),
    )) as { anonymousId?: string | null }[];
    for (const identity of identities) link(identity.anonymousId, index);
  }

  const visitors = [...linkedBy.keys()].sort();
  const events: PathEvent[] = [];
  let truncated = false;
  if (visitors.length > 0) {
    const stored = (await db.run(
      getAll(table('events'), visitors, 'anonymousId')
        .limit(PATH_SCAN_LIMIT)
        .orderBy('receivedAt', 'id')
        .limit(PATH_EVENT_LIMIT + 1)
        .coerceTo('array'),
    )) as StoredEvent[];
    truncated = stored.length > PATH_EVENT_LIMIT;
    for (const event of stored.slice(0, PATH_EVENT_LIMIT)) {
      const page = event.context?.page;
      events.push({
        id: event.id,
        type: event.type,
        name: event.name ?? null,
        receivedAt: event.receivedAt,
        anonymousId: event.anonymousId ?? '',
        page: typeof page === 'string' ? page : null,
        campaign: campaignOf(event),
        quoteRef: event.quoteRef ?? null,
        bookingRef: event.bookingRef ?? null,
      });
    }
  }
  return {
    visitors: visitors.map((anonymousId) => ({
      anonymousId,
      linkedBy: [...(linkedBy.get(anonymousId) ?? [])].sort(),
    })),
    events,
    truncated,
  };
}
