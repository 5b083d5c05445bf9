/**
 * What the simulation does to the world, as plain data: rows written to the brokers' source tables
 * and events sent to the collector. The generator makes them; adapters apply them.
 */

/** A customer as one broker recorded them (each broker formats the same person differently). */
export interface CustomerFields {
  email: string | null;
  phone: string | null;
  name: string | null;
}

export interface Trip {
  pickupStation: string;
  pickupAt: Date;
  dropoffStation: string;
  dropoffAt: Date;
  carGroup: string;
}

export interface QuoteRow extends Trip {
  source: string;
  key: number;
  quoteRef: string;
  customer: CustomerFields;
  price: number;
  currency: string;
  channel: string;
  quotedAt: Date;
}

export interface BookingRow extends Trip {
  source: string;
  key: number;
  /** The broker's quote reference, or null for a booking made without one. */
  quoteRef: string | null;
  customer: CustomerFields;
  price: number;
  currency: string;
  channel: string;
  bookedAt: Date;
}

export interface SimEvent {
  /**
   * `pixel`: a page view through the collector's pixel; `track`: a click sent in a batch;
   * `identify`: the visitor gave their email and phone in the quote form (Segment's identify call).
   * Clicks carry `properties.quoteRef` and `source`, the booking confirmation page's track call
   * `properties.bookingRef` (the booking's key) and `source`: the web funnel's links.
   */
  via: 'pixel' | 'track' | 'identify';
  name: string;
  anonymousId: string;
  page: string;
  properties: Record<string, string>;
  /** identify: what the visitor typed in. */
  traits?: Record<string, string>;
  /** pixel: the landing page's utm_campaign (the web funnel groups visitors by it). */
  campaign?: string;
}

export type SimAction =
  | { type: 'quote.insert'; at: Date; quote: QuoteRow }
  | { type: 'quote.reprice'; at: Date; source: string; key: number; price: number }
  | { type: 'quote.delete'; at: Date; source: string; key: number }
  | { type: 'booking.insert'; at: Date; booking: BookingRow }
  | { type: 'booking.cancel'; at: Date; source: string; key: number }
  | { type: 'event'; at: Date; event: SimEvent };
