import type { BookingUpsert, QuoteUpsert } from '../records/canonical.js';
import { toEpochMs } from './instant.js';
import { normaliseEmail, normaliseName, normalisePhone, normaliseStation } from './normalise.js';
import type { ResolutionRules } from './rules.js';

/** What duplicates and matches are decided on: normalised, times in epoch milliseconds. */
export interface TripFields {
  id: string;
  source: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  pickupStation: string;
  pickupAt: number;
  dropoffStation: string;
  dropoffAt: number;
  carGroup: string;
  channel: string | null;
}

export interface NormalisedQuote extends TripFields {
  kind: 'quote';
  quotedAt: number;
  brokerQuoteRef: string | null;
}

export interface NormalisedBooking extends TripFields {
  kind: 'booking';
  bookedAt: number;
  quoteRef: string | null;
  status: 'confirmed' | 'cancelled';
  /** Price in minor units (cents), so sums stay exact; null without a price. */
  priceCents: number | null;
  currency: string | null;
}

function trip(record: QuoteUpsert | BookingUpsert, rules: ResolutionRules): TripFields {
  const zone = rules.sourceTimeZones.get(record.source) ?? 'UTC';
  return {
    id: record.id,
    source: record.source,
    email: normaliseEmail(record.customer?.email),
    phone: normalisePhone(record.customer?.phone, rules.phoneDefaultCountryCode),
    name: normaliseName(record.customer?.name),
    pickupStation: normaliseStation(record.pickup.station),
    pickupAt: toEpochMs(record.pickup.at, zone, 'pickup.at'),
    dropoffStation: normaliseStation(record.dropoff.station),
    dropoffAt: toEpochMs(record.dropoff.at, zone, 'dropoff.at'),
    carGroup: record.carGroup.trim().toUpperCase(),
    channel: emptyToNull(record.channel),
  };
}

export function normaliseQuote(record: QuoteUpsert, rules: ResolutionRules): NormalisedQuote {
  const zone = rules.sourceTimeZones.get(record.source) ?? 'UTC';
  return {
    kind: 'quote',
    ...trip(record, rules),
    quotedAt: toEpochMs(record.quotedAt, zone, 'quotedAt'),
    brokerQuoteRef: emptyToNull(record.brokerQuoteRef),
  };
}

export function normaliseBooking(record: BookingUpsert, rules: ResolutionRules): NormalisedBooking {
  const zone = rules.sourceTimeZones.get(record.source) ?? 'UTC';
  return {
    kind: 'booking',
    ...trip(record, rules),
    bookedAt: toEpochMs(record.bookedAt, zone, 'bookedAt'),
    quoteRef: emptyToNull(record.quoteRef),
    status: record.status,
    priceCents: record.price ? Math.round(record.price.amount * 100) : null,
    currency: record.price?.currency ?? null,
  };
}

function emptyToNull(value: string | null | undefined): string | null {
  const trimmed = (value ?? '').trim();
  return trimmed === '' ? null : trimmed;
}

/** Rule 1 of duplicates and matches: any one customer key equal, where both sides have it. */
export function sameCustomer(a: TripFields, b: TripFields): boolean {
  return (
    (a.email !== null && a.email === b.email) ||
    (a.phone !== null && a.phone === b.phone) ||
    (a.name !== null && a.name === b.name)
  );
}

export function sameStations(a: TripFields, b: TripFields): boolean {
  return a.pickupStation === b.pickupStation && a.dropoffStation === b.dropoffStation;
}

/** The customer keys a record is blocked under; candidates share at least one. */
export function customerKeys(trip: TripFields): string[] {
  const keys: string[] = [];
  if (trip.email !== null) keys.push(`e:${trip.email}`);
  if (trip.phone !== null) keys.push(`p:${trip.phone}`);
  if (trip.name !== null) keys.push(`n:${trip.name}`);
  return keys;
}
