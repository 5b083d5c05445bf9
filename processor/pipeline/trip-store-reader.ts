import type { BookingDoc, QuoteDoc } from '../store/documents.js';

/** A station pair and a UTC day of pickup (`YYYY-MM-DD`): what the store is read by around a record. */
export type PickupDay = readonly [pickupStation: string, dropoffStation: string, day: string];

/** Rule 1's key: source, reference (trimmed), pickup and drop-off station. */
export type RefKey = readonly [source: string, ref: string, pickupStation: string, dropoffStation: string];

export interface TripDocs {
  quotes: QuoteDoc[];
  bookings: BookingDoc[];
}

/**
 * What a trip slot reads from the store when a change touches records it does not hold in memory
 * (processor/README.md, "Memory"). Every method answers with the stored documents of one
 * partition number only.
 */
export interface TripStoreReader {
  /** The live records with these ids. */
  recordsById(partition: number, kind: 'quote' | 'booking', ids: readonly string[]): Promise<TripDocs>;
  /** The records of these station pairs picked up on these days. */
  recordsOnPickupDays(partition: number, days: readonly PickupDay[]): Promise<TripDocs>;
  /** Quotes whose brokerQuoteRef, and bookings whose quoteRef, has one of these keys. */
  recordsByRef(
    partition: number,
    quoteRefs: readonly RefKey[],
    bookingRefs: readonly RefKey[],
  ): Promise<TripDocs>;
  /** The quotes of these clusters and the bookings matched to them. */
  recordsOfClusters(partition: number, clusterIds: readonly string[]): Promise<TripDocs>;
  /** The records whose pickup is at or after `from`, a page at a time. */
  recordsFromPickup(partition: number, from: string): AsyncIterable<TripDocs>;
}
