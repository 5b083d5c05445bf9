import type { BookingUpsert, CanonicalEvent, QuoteUpsert } from '../../lib/records/canonical.js';
import type { RecordVersion } from '../../lib/records/version.js';
import type { IdentityLink } from '../core/identity.js';
import type { VisitorMark } from '../core/kpi/event-contributions.js';
import type { RollupKey } from '../core/kpi/rollup-delta.js';
import type { BookingView, ClusterView, QuoteView } from '../core/views.js';

/**
 * The documents the processor keeps in RethinkDB. Records are stored as canonical records with
 * their times in UTC (ISO-8601, milliseconds) and stations normalised, so reading them back through
 * the same normalisation gives the same values, plus what resolution found.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The customer's email and phone as the resolution rules normalise them (null when absent), so
 * that the web funnel finds a customer's quotes and bookings from the email or phone an identify
 * call gave (table `identities`), through the indexes of the same names. Absent from documents
 * written before they existed, until the record changes (or `quoteflow reprocess`).
 */
export interface CustomerKeys {
  customerEmail?: string | null;
  customerPhone?: string | null;
}

export type QuoteDoc = QuoteUpsert & CustomerKeys & { clusterId: string; partition: number };
export type BookingDoc = BookingUpsert &
  CustomerKeys & {
    quoteId: string | null;
    clusterId: string | null;
    partition: number;
  };

export interface ClusterDoc {
  id: string;
  partition: number;
  quoteIds: string[];
  bookingIds: string[];
  size: number;
  firstQuotedAt: string;
  source: string;
  pickupStation: string;
  dropoffStation: string;
  carGroup: string;
  channel: string | null;
  leadTimeMs: number;
  converted: boolean;
  convertedAt: string | null;
}

export interface TombstoneDoc {
  id: string;
  partition: number;
  kind: 'quote' | 'booking';
  recordId: string;
  version: RecordVersion;
  /** When the processor applied the delete (ISO-8601 UTC); expiry counts from here. */
  deletedAt?: string;
}

export type EventDoc = CanonicalEvent & {
  quoteRef: string | null;
  bookingRef: string | null;
  partition: number;
};

export interface RollupWrite {
  id: string;
  key: RollupKey;
  counts: Record<string, number>;
}

export function quoteDoc(record: QuoteUpsert, view: QuoteView, partition: number): QuoteDoc {
  const { quote } = view;
  return {
    ...record,
    quotedAt: iso(quote.quotedAt),
    pickup: { station: quote.pickupStation, at: iso(quote.pickupAt) },
    dropoff: { station: quote.dropoffStation, at: iso(quote.dropoffAt) },
    customerEmail: quote.email,
    customerPhone: quote.phone,
    clusterId: view.clusterId,
    partition,
  };
}

export function bookingDoc(record: BookingUpsert, view: BookingView, partition: number): BookingDoc {
  const { booking } = view;
  return {
    ...record,
    bookedAt: iso(booking.bookedAt),
    pickup: { station: booking.pickupStation, at: iso(booking.pickupAt) },
    dropoff: { station: booking.dropoffStation, at: iso(booking.dropoffAt) },
    customerEmail: booking.email,
    customerPhone: booking.phone,
    quoteId: view.quoteId,
    clusterId: view.clusterId,
    partition,
  };
}

export function clusterDoc(view: ClusterView, partition: number): ClusterDoc {
  const { first } = view;
  return {
    id: view.id,
    partition,
    quoteIds: view.quoteIds,
    bookingIds: view.bookingIds,
    size: view.quoteIds.length,
    firstQuotedAt: iso(first.quotedAt),
    source: first.source,
    pickupStation: first.pickupStation,
    dropoffStation: first.dropoffStation,
    carGroup: first.carGroup,
    channel: first.channel,
    leadTimeMs: first.pickupAt - first.quotedAt,
    converted: view.convertedAt !== null,
    convertedAt: view.convertedAt === null ? null : iso(view.convertedAt),
  };
}

export function tombstoneId(kind: 'quote' | 'booking', recordId: string, partition: number): string {
  return `${kind}|${recordId}|${partition}`;
}

function stringProperty(properties: Record<string, unknown>, key: string): string | null {
  const value = properties[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function eventDoc(event: CanonicalEvent, partition: number): EventDoc {
  return {
    ...event,
    quoteRef: stringProperty(event.properties, 'quoteRef'),
    bookingRef: stringProperty(event.properties, 'bookingRef'),
    partition,
  };
}

/**
 * Everything one batch changes, written as one document before any of it is applied. Applying it
 * is idempotent (upserts, guarded rollup increments), so after a crash it is simply applied again.
 */
export interface Journal {
  /** The slot: `trip:<partition>` or `events:<partition>`. */
  id: string;
  /** `<topic>:<partition>` of the batch: the rollups remember the last offset applied per guard. */
  guard: string;
  /** Offset of the batch's last message. */
  offset: number;
  partition: number;
  /** Trip slots: the newest record time seen (epoch ms), where a rebuild puts its memory's floor. */
  watermark?: number;
  quotes: { put: QuoteDoc[]; remove: string[] };
  bookings: { put: BookingDoc[]; remove: string[] };
  clusters: { put: ClusterDoc[]; remove: string[] };
  tombstones: { put: TombstoneDoc[]; remove: string[] };
  events: EventDoc[];
  visitors: VisitorMark[];
  /** Events slots: the links of the batch's identify and alias calls (absent from older journals). */
  identities?: IdentityLink[];
  rollups: RollupWrite[];
}

export function emptyJournal(id: string, guard: string, offset: number, partition: number): Journal {
  return {
    id,
    guard,
    offset,
    partition,
    quotes: { put: [], remove: [] },
    bookings: { put: [], remove: [] },
    clusters: { put: [], remove: [] },
    tombstones: { put: [], remove: [] },
    events: [],
    visitors: [],
    identities: [],
    rollups: [],
  };
}
