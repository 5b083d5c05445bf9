import type { NormalisedBooking, NormalisedQuote } from '../../lib/resolution/trip-record.js';

/** A live quote with the cluster (demand) it belongs to. */
export interface QuoteView {
  quote: NormalisedQuote;
  clusterId: string;
}

/** A live booking with the quote it matched (null: an unquoted booking) and that quote's cluster. */
export interface BookingView {
  booking: NormalisedBooking;
  quoteId: string | null;
  clusterId: string | null;
}

/** A cluster of duplicate quotes: one demand. */
export interface ClusterView {
  /** Id of its earliest quote (quotedAt, then the smallest id). */
  id: string;
  quoteIds: string[];
  /** The earliest quote: the cluster takes its dimensions. */
  first: NormalisedQuote;
  /** Bookings matched to any of its quotes, confirmed or not. */
  bookingIds: string[];
  /** Earliest bookedAt of a matched confirmed booking; null when the demand is not converted. */
  convertedAt: number | null;
}

/** Before and after one batch; null where the entity did not exist. */
export interface Transition<T> {
  before: T | null;
  after: T | null;
}

export interface BatchChanges {
  quotes: Map<string, Transition<QuoteView>>;
  bookings: Map<string, Transition<BookingView>>;
  clusters: { before: ClusterView[]; after: ClusterView[] };
}
