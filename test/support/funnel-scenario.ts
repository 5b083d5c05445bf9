import { randomUUID } from 'node:crypto';
import type { BookingUpsert, QuoteUpsert } from '../../lib/records/canonical.js';
import { booking, quote, stranger } from './trip-records.js';

/** A stored-event shape as the collector sends it to Kafka. */
export function funnelEvent(
  type: string,
  visitor: string,
  receivedAt: string,
  extra: { properties?: Record<string, unknown>; campaign?: string; traits?: Record<string, unknown> } = {},
) {
  return {
    kind: 'event',
    id: randomUUID(),
    type,
    name: type === 'identify' ? 'identify' : `${type} of ${visitor}`,
    receivedAt,
    project: 'web',
    anonymousId: visitor,
    properties: extra.properties ?? {},
    traits: extra.traits,
    context: {
      page: 'https://cars.example/offers',
      campaign: extra.campaign ? { name: extra.campaign } : {},
    },
  };
}

const trip = {
  pickup: { station: 'BGY', at: '2026-07-01T07:36:00Z' },
  dropoff: { station: 'BGY', at: '2026-07-11T05:36:00Z' },
};
const alice = stranger(1);
const carla = stranger(2);
const dario = stranger(3);

export interface FunnelScenario {
  /** The events as JSON messages for qf.events (produce them again to replay). */
  values: string[];
  quotes: QuoteUpsert[];
  bookings: BookingUpsert[];
  /** Merges rentalcars:a1's and rentalcars:d1's demands. */
  bridge: QuoteUpsert;
}

/**
 * The web funnel's scenario, shared by the API test and the browser test, written through the
 * real processor (ProcessorHarness): events of five visitors on 2026-06-25 (one the next day),
 * quotes and a booking they name or whose customer they identify as, and a bridging quote that
 * later merges two of the linked demands into one.
 */
export function funnelScenario(): FunnelScenario {
  // v1 comes from the summer campaign and clicks two rentalcars quotes (two demands, until a
  // bridging quote merges them); v2 (winter) gives its email in an identify call; v3 only looks;
  // v4 (summer) lands on the booking confirmation; v5 visits the next day, outside the period.
  const events = [
    funnelEvent('page', 'v1', '2026-06-25T08:00:00Z', { campaign: 'summer' }),
    funnelEvent('click', 'v1', '2026-06-25T08:01:00Z', {
      properties: { quoteRef: 'QA1', source: 'rentalcars' },
    }),
    funnelEvent('click', 'v1', '2026-06-25T08:02:00Z', {
      properties: { quoteRef: 'QD1', source: 'rentalcars' },
    }),
    // A reference without its broker names no quote (references are unique per broker only).
    funnelEvent('click', 'v1', '2026-06-25T08:03:00Z', { properties: { quoteRef: 'QC1' } }),
    funnelEvent('view', 'v2', '2026-06-25T09:00:00Z', { campaign: 'winter' }),
    funnelEvent('identify', 'v2', '2026-06-25T09:01:00Z', { traits: { email: carla.email.toUpperCase() } }),
    funnelEvent('page', 'v3', '2026-06-25T10:00:00Z'),
    funnelEvent('track', 'v4', '2026-06-25T11:00:00Z', {
      campaign: 'summer',
      properties: { bookingRef: 'b1', source: 'rentalcars' },
    }),
    funnelEvent('page', 'v5', '2026-06-26T10:00:00Z', {
      campaign: 'summer',
      properties: { quoteRef: 'QC1', source: 'discovercars' },
    }),
  ];
  const values = events.map((e) => JSON.stringify(e));

  const quotes = [
    quote('a1', { ...trip, brokerQuoteRef: 'QA1', quotedAt: '2026-06-25T08:00:30Z', customer: alice }),
    quote('d1', { ...trip, brokerQuoteRef: 'QD1', quotedAt: '2026-06-25T08:01:30Z', customer: dario }),
    quote('c1', {
      source: 'discovercars',
      brokerQuoteRef: 'QC1',
      quotedAt: '2026-06-25T09:02:00Z',
      pickup: { station: 'MXP', at: '2026-08-01T07:00:00Z' },
      dropoff: { station: 'MXP', at: '2026-08-03T07:00:00Z' },
      customer: carla,
    }),
  ];
  // Alice's email and Dario's phone: a duplicate of both a1 and d1, so their demands become one.
  const bridge = quote('x1', {
    ...trip,
    source: 'autoeurope',
    quotedAt: '2026-06-25T12:00:00Z',
    customer: { email: alice.email, phone: dario.phone, name: 'Someone Else' },
  });
  const bookings = [
    booking('b1', { ...trip, quoteRef: 'QA1', bookedAt: '2026-06-25T12:30:00Z', customer: alice }),
  ];

  return { values, quotes, bookings, bridge };
}
