import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { chunked, getAll } from './get-all.js';
import type { FunnelInput, FunnelQuote } from './funnel-count.js';
import type { FunnelEvent } from './visit-event.js';
import { bookingIdOf, campaignOf, isVisit, quoteKeyOf } from './visit-event.js';

interface QuoteRow {
  id: string;
  source: string;
  pickup: { station: string };
  clusterId: string;
}

interface Period {
  /** ISO-8601 UTC instants; `to` is exclusive. */
  from: string;
  to: string;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

/**
 * Gathers what the funnel of a period counts (dashboard/README.md, "Web funnel"), on read, from
 * indexed tables only: the period's events through `events.receivedAt`; the quotes their
 * references name through `quotes.source_brokerQuoteRef`; the bookings they name by id; the
 * visitors' identify calls through `identities.anonymousId` and the customers' quotes through
 * `quotes.customerEmail` / `customerPhone`; the demands' bookings through `bookings.clusterId`.
 *
 * Why on read rather than rollups: a link resolves through the quote's current cluster, so an
 * event that arrived before its quote, or a quote merged into another demand later, is counted as
 * the store stands now, with nothing to retract; replayed events are the same documents (keyed by
 * event id), so they change nothing. bench/funnel.ts measures a year of data.
 */
export async function readFunnel(db: RethinkdbClient, period: Period): Promise<FunnelInput> {
  const table = (name: string) => r.db(db.db).table(name);
  const visitors = new Map<string, string>();
  const quoteKeys = new Map<string, [string, string]>();
  const visitorsByQuoteKey = new Map<string, Set<string>>();
  const visitorsByBooking = new Map<string, Set<string>>();
  const cursor = await db.run(
    table('events')
      .between(period.from, period.to, { index: 'receivedAt' })
      .orderBy({ index: 'receivedAt' })
      .pluck(
        ...([
          'id',
          'type',
          'receivedAt',
          'anonymousId',
          'quoteRef',
          'bookingRef',
          'properties',
          { context: { campaign: true } },
        ] as unknown as string[]),
      ),
  );
  const linking: FunnelEvent[] = [];
  for await (const event of cursorRows<FunnelEvent>(cursor)) {
    // The first visit in the period names the visitor's campaign (first touch).
    if (isVisit(event) && !visitors.has(event.anonymousId ?? ''))
      visitors.set(event.anonymousId ?? '', campaignOf(event));
    if (event.quoteRef || event.bookingRef) linking.push(event);
  }
  for (const event of linking) {
    const visitor = event.anonymousId ?? '';
    if (!visitors.has(visitor)) continue;
    const quoteKey = quoteKeyOf(event);
    if (quoteKey) {
      const key = JSON.stringify(quoteKey);
      quoteKeys.set(key, quoteKey);
      addTo(visitorsByQuoteKey, key, visitor);
    }
    const bookingId = bookingIdOf(event);
    if (bookingId) addTo(visitorsByBooking, bookingId, visitor);
  }

  const links = new Map<string, Set<string>>();
  const quotes = new Map<string, FunnelQuote>();
  const keep = (quote: QuoteRow) =>
    quotes.set(quote.id, { source: quote.source, station: quote.pickup.station, clusterId: quote.clusterId });
  const quoteFields = [
    'id',
    'source',
    'clusterId',
    'brokerQuoteRef',
    'customerEmail',
    'customerPhone',
    { pickup: { station: true } },
  ];

  // Quotes named by reference: every quote of that broker with that reference (a re-sent quote).
  for (const keys of chunked(quoteKeys.values())) {
    const rows = (await db.run(
      getAll(table('quotes'), keys, 'source_brokerQuoteRef')
        .pluck(...(quoteFields as string[]))
        .coerceTo('array'),
    )) as (QuoteRow & { brokerQuoteRef: string })[];
    for (const quote of rows) {
      keep(quote);
      for (const visitor of visitorsByQuoteKey.get(
        JSON.stringify([quote.source, quote.brokerQuoteRef.trim()]),
      ) ?? [])
        addTo(links, visitor, quote.id);
    }
  }

  // Bookings named by reference: the quote each is matched to (an unquoted booking links no quote).
  const matchedQuoteIds = new Map<string, Set<string>>();
  for (const ids of chunked(visitorsByBooking.keys())) {
    const rows = (await db.run(getAll(table('bookings'), ids).pluck('id', 'quoteId').coerceTo('array'))) as {
      id: string;
      quoteId?: string | null;
    }[];
    for (const booking of rows)
      if (booking.quoteId)
        for (const visitor of visitorsByBooking.get(booking.id) ?? [])
          addTo(matchedQuoteIds, booking.quoteId, visitor);
  }
  for (const ids of chunked(matchedQuoteIds.keys())) {
    const rows = (await db.run(
      getAll(table('quotes'), ids)
        .pluck(...(quoteFields as string[]))
        .coerceTo('array'),
    )) as QuoteRow[];
    for (const quote of rows) {
      keep(quote);
      for (const visitor of matchedQuoteIds.get(quote.id) ?? []) addTo(links, visitor, quote.id);
    }
  }

  // Identities: a visitor's identify calls give an email or phone; the customer's quotes of the
  // period are the visitor's too (normalised the same way on both sides, by the processor).
  const visitorsByEmail = new Map<string, Set<string>>();
  const visitorsByPhone = new Map<string, Set<string>>();
  for (const ids of chunked(visitors.keys())) {
    const rows = (await db.run(
      getAll(table('identities'), ids, 'anonymousId')
        .pluck('anonymousId', 'email', 'phone')
        .coerceTo('array'),
    )) as { anonymousId: string; email?: string | null; phone?: string | null }[];
    for (const identity of rows) {
      if (identity.email) addTo(visitorsByEmail, identity.email, identity.anonymousId);
      if (identity.phone) addTo(visitorsByPhone, identity.phone, identity.anonymousId);
    }
  }
  for (const [index, byKey] of [
    ['customerEmail', visitorsByEmail],
    ['customerPhone', visitorsByPhone],
  ] as const) {
    for (const keys of chunked(byKey.keys())) {
      const rows = (await db.run(
        getAll(table('quotes'), keys, index)
          .filter(r.row('quotedAt').ge(period.from).and(r.row('quotedAt').lt(period.to)))
          .pluck(...(quoteFields as string[]))
          .coerceTo('array'),
      )) as (QuoteRow & { customerEmail?: string | null; customerPhone?: string | null })[];
      for (const quote of rows) {
        keep(quote);
        const key = index === 'customerEmail' ? quote.customerEmail : quote.customerPhone;
        for (const visitor of byKey.get(key ?? '') ?? []) addTo(links, visitor, quote.id);
      }
    }
  }

  // The demands' confirmed bookings.
  const bookings = new Map<string, Set<string>>();
  const demands = new Set([...quotes.values()].map((quote) => quote.clusterId));
  for (const ids of chunked(demands)) {
    const rows = (await db.run(
      getAll(table('bookings'), ids, 'clusterId')
        .filter({ status: 'confirmed' })
        .pluck('id', 'clusterId')
        .coerceTo('array'),
    )) as { id: string; clusterId: string }[];
    for (const booking of rows) addTo(bookings, booking.clusterId, booking.id);
  }
  return { visitors, links, quotes, bookings };
}
