import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { getAll, getAllRows } from './get-all.js';
import type { FunnelInput, FunnelQuote } from './funnel-count.js';
import type { FunnelEvent } from './visit-event.js';
import { bookingIdOf, campaignOf, isVisit, quoteKeyOf } from './visit-event.js';

interface QuoteRow {
  id: string;
  source: string;
  pickup: { station: string };
  clusterId: string;
  brokerQuoteRef?: string | null;
  customerEmail?: string | null;
  customerPhone?: string | null;
}

interface Period {
  /** ISO-8601 UTC instants; `to` is exclusive. */
  from: string;
  to: string;
}

/** A key → the visitors it links (a reference, a booking id, an email…). */
type Links = Map<string, Set<string>>;

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

// Server-side projections (pluck's typings take field names only, not nested selections).
const QUOTE_FIELDS = [
  'id',
  'source',
  'clusterId',
  'brokerQuoteRef',
  'customerEmail',
  'customerPhone',
  { pickup: { station: true } },
] as unknown as string[];
/** Only what the funnel reads of an event: the period's events are most of its cost. */
export const FUNNEL_EVENT_FIELDS = [
  'type',
  'anonymousId',
  'quoteRef',
  'bookingRef',
  { properties: { source: true } },
  { context: { campaign: { name: true } } },
] as unknown as string[];

/** What the period's events say: its visitors with their campaigns, and the references they carry. */
async function readVisits(db: RethinkdbClient, period: Period) {
  const visitors = new Map<string, string>();
  const linking: FunnelEvent[] = [];
  const cursor = await db.run(
    r
      .db(db.db)
      .table('events')
      .between(period.from, period.to, { index: 'receivedAt' })
      .orderBy({ index: 'receivedAt' })
      .pluck(...FUNNEL_EVENT_FIELDS),
  );
  for await (const event of cursorRows<FunnelEvent>(cursor)) {
    // The first visit in the period names the visitor's campaign (first touch).
    const visitor = event.anonymousId ?? '';
    if (isVisit(event) && !visitors.has(visitor)) visitors.set(visitor, campaignOf(event));
    if (event.quoteRef || event.bookingRef) linking.push(event);
  }
  const byQuoteKey: Links = new Map();
  const byBooking: Links = new Map();
  for (const event of linking) {
    const visitor = event.anonymousId ?? '';
    if (!visitors.has(visitor)) continue;
    const quoteKey = quoteKeyOf(event);
    if (quoteKey) addTo(byQuoteKey, JSON.stringify(quoteKey), visitor);
    const bookingId = bookingIdOf(event);
    if (bookingId) addTo(byBooking, bookingId, visitor);
  }
  return { visitors, byQuoteKey, byBooking };
}

/**
 * Gathers what the funnel of a period counts (dashboard/README.md, "Web funnel"), on read, from
 * indexed tables only: the period's events through `events.receivedAt`; the quotes their
 * references name through `quotes.source_brokerQuoteRef`; the bookings they name by id; the
 * visitors' identify calls through `identities.anonymousId` and the customers' quotes through
 * `quotes.customerEmail` / `customerPhone`; the demands' bookings through `bookings.clusterId`.
 * After the events, the three kinds of link are looked up at once.
 *
 * Why on read rather than rollups: a link resolves through the quote's current cluster, so an
 * event that arrived before its quote, or a quote merged into another demand later, is counted as
 * the store stands now, with nothing to retract; replayed events are the same documents (keyed by
 * event id), so they change nothing. bench/funnel.ts measures a year of data.
 */
export async function readFunnel(db: RethinkdbClient, period: Period): Promise<FunnelInput> {
  const table = (name: string) => r.db(db.db).table(name);
  const { visitors, byQuoteKey, byBooking } = await readVisits(db, period);
  const links: Links = new Map();
  const quotes = new Map<string, FunnelQuote>();
  const link = (quote: QuoteRow, linked: Iterable<string> | undefined) => {
    quotes.set(quote.id, { source: quote.source, station: quote.pickup.station, clusterId: quote.clusterId });
    for (const visitor of linked ?? []) addTo(links, visitor, quote.id);
  };

  // Quotes named by reference: every quote of that broker with that reference (a re-sent quote).
  const byReference = async () => {
    const rows = await getAllRows<string, QuoteRow>(db, byQuoteKey.keys(), (keys) =>
      getAll(
        table('quotes'),
        keys.map((key) => JSON.parse(key) as unknown),
        'source_brokerQuoteRef',
      )
        .pluck(...QUOTE_FIELDS)
        .coerceTo('array'),
    );
    for (const quote of rows)
      link(quote, byQuoteKey.get(JSON.stringify([quote.source, quote.brokerQuoteRef?.trim()])));
  };

  // Bookings named by reference: the quote each is matched to (an unquoted booking links no quote).
  const byBookingReference = async () => {
    const bookings = await getAllRows<string, { id: string; quoteId?: string | null }>(
      db,
      byBooking.keys(),
      (ids) => getAll(table('bookings'), ids).pluck('id', 'quoteId').coerceTo('array'),
    );
    const byQuoteId: Links = new Map();
    for (const booking of bookings)
      for (const visitor of booking.quoteId ? (byBooking.get(booking.id) ?? []) : [])
        addTo(byQuoteId, booking.quoteId ?? '', visitor);
    const rows = await getAllRows<string, QuoteRow>(db, byQuoteId.keys(), (ids) =>
      getAll(table('quotes'), ids)
        .pluck(...QUOTE_FIELDS)
        .coerceTo('array'),
    );
    for (const quote of rows) link(quote, byQuoteId.get(quote.id));
  };

  // Identities: a visitor's identify calls give an email or phone; the customer's quotes of the
  // period are the visitor's too (normalised the same way on both sides, by the processor).
  const byIdentity = async () => {
    const identities = await getAllRows<
      string,
      { anonymousId: string; email?: string | null; phone?: string | null }
    >(db, visitors.keys(), (ids) =>
      getAll(table('identities'), ids, 'anonymousId')
        .pluck('anonymousId', 'email', 'phone')
        .coerceTo('array'),
    );
    const byEmail: Links = new Map();
    const byPhone: Links = new Map();
    for (const identity of identities) {
      if (identity.email) addTo(byEmail, identity.email, identity.anonymousId);
      if (identity.phone) addTo(byPhone, identity.phone, identity.anonymousId);
    }
    const customerQuotes = (index: 'customerEmail' | 'customerPhone', byKey: Links) =>
      getAllRows<string, QuoteRow>(db, byKey.keys(), (keys) =>
        getAll(table('quotes'), keys, index)
          .filter(r.row('quotedAt').ge(period.from).and(r.row('quotedAt').lt(period.to)))
          .pluck(...QUOTE_FIELDS)
          .coerceTo('array'),
      );
    const [byEmailRows, byPhoneRows] = await Promise.all([
      customerQuotes('customerEmail', byEmail),
      customerQuotes('customerPhone', byPhone),
    ]);
    for (const quote of byEmailRows) link(quote, byEmail.get(quote.customerEmail ?? ''));
    for (const quote of byPhoneRows) link(quote, byPhone.get(quote.customerPhone ?? ''));
  };

  await Promise.all([byReference(), byBookingReference(), byIdentity()]);

  // The demands' confirmed bookings.
  const bookings: Links = new Map();
  const demands = new Set([...quotes.values()].map((quote) => quote.clusterId));
  const rows = await getAllRows<string, { id: string; clusterId: string }>(db, demands, (ids) =>
    getAll(table('bookings'), ids, 'clusterId')
      .filter({ status: 'confirmed' })
      .pluck('id', 'clusterId')
      .coerceTo('array'),
  );
  for (const booking of rows) addTo(bookings, booking.clusterId, booking.id);
  return { visitors, links, quotes, bookings };
}
