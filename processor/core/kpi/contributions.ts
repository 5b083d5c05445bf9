import type { Resolver } from '../resolver.js';
import type { BatchChanges, BookingView, ClusterView, QuoteView } from '../views.js';
import type { TripFields } from '../../../lib/resolution/trip-record.js';
import type { BucketClock } from './buckets.js';
import { GRANULARITIES } from './buckets.js';
import type { RollupDelta } from './rollup-delta.js';

/**
 * What each live entity adds to the rollups (DESIGN.md, "KPIs"). Quotes count at quotedAt, demands
 * (clusters) at their earliest quotedAt with the dimensions of their earliest quote, bookings at
 * bookedAt. Averages are kept as sums and counts so they can be derived for any set of buckets.
 *
 * Metrics: quotes; demands; leadTimeMsSum/leadTimeCount (pickup − earliest quotedAt, per demand);
 * convertedDemands and quoteToBookingMsSum/quoteToBookingCount (earliest confirmed booking −
 * earliest quotedAt, per converted demand, counted in the demand's bucket so conversion =
 * convertedDemands / demands over the same buckets); bookings, `revenueCents:<currency>` and
 * unquotedBookings for confirmed bookings; cancelledBookings. Duplicates = quotes − demands.
 */

function addTrip(
  delta: RollupDelta,
  clock: BucketClock,
  at: number,
  trip: TripFields,
  counts: Record<string, number>,
  sign: 1 | -1,
): void {
  const starts = clock.starts(at);
  for (const granularity of GRANULARITIES) {
    delta.add(
      {
        kind: 'trip',
        granularity,
        start: starts[granularity],
        source: trip.source,
        pickupStation: trip.pickupStation,
        carGroup: trip.carGroup,
        channel: trip.channel,
      },
      counts,
      sign,
    );
  }
}

export function addQuote(delta: RollupDelta, clock: BucketClock, view: QuoteView, sign: 1 | -1): void {
  addTrip(delta, clock, view.quote.quotedAt, view.quote, { quotes: 1 }, sign);
}

export function addCluster(delta: RollupDelta, clock: BucketClock, view: ClusterView, sign: 1 | -1): void {
  const { first } = view;
  const counts: Record<string, number> = {
    demands: 1,
    leadTimeMsSum: first.pickupAt - first.quotedAt,
    leadTimeCount: 1,
  };
  if (view.convertedAt !== null) {
    counts.convertedDemands = 1;
    counts.quoteToBookingMsSum = view.convertedAt - first.quotedAt;
    counts.quoteToBookingCount = 1;
  }
  addTrip(delta, clock, first.quotedAt, first, counts, sign);
}

export function addBooking(delta: RollupDelta, clock: BucketClock, view: BookingView, sign: 1 | -1): void {
  const { booking } = view;
  const counts: Record<string, number> = {};
  if (booking.status === 'confirmed') {
    counts.bookings = 1;
    if (booking.priceCents !== null && booking.currency !== null) {
      counts[`revenueCents:${booking.currency}`] = booking.priceCents;
    }
    if (view.quoteId === null) counts.unquotedBookings = 1;
  } else {
    counts.cancelledBookings = 1;
  }
  addTrip(delta, clock, booking.bookedAt, booking, counts, sign);
}

/** The rollup change of one resolver batch: every old contribution retracted, every new one added. */
export function batchDelta(delta: RollupDelta, clock: BucketClock, changes: BatchChanges): RollupDelta {
  for (const { before, after } of changes.quotes.values()) {
    if (before) addQuote(delta, clock, before, -1);
    if (after) addQuote(delta, clock, after, 1);
  }
  for (const { before, after } of changes.bookings.values()) {
    if (before) addBooking(delta, clock, before, -1);
    if (after) addBooking(delta, clock, after, 1);
  }
  for (const view of changes.clusters.before) addCluster(delta, clock, view, -1);
  for (const view of changes.clusters.after) addCluster(delta, clock, view, 1);
  return delta;
}

/** Every contribution of a resolver's current state: what the rollups must equal (check, tests). */
export function stateTotals(delta: RollupDelta, clock: BucketClock, resolver: Resolver): RollupDelta {
  for (const id of resolver.quoteIds()) {
    const view = resolver.quoteView(id);
    if (view) addQuote(delta, clock, view, 1);
  }
  for (const id of resolver.bookingIds()) {
    const view = resolver.bookingView(id);
    if (view) addBooking(delta, clock, view, 1);
  }
  for (const view of resolver.clusterViews()) addCluster(delta, clock, view, 1);
  return delta;
}
