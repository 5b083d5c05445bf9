import r from 'rethinkdb';
import type { BookingUpsert, CanonicalEvent, QuoteUpsert } from '../../lib/records/canonical.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { BucketClock } from '../../processor/core/kpi/buckets.js';
import type { VisitorMark } from '../../processor/core/kpi/event-contributions.js';
import { addEvent, visitorMarks } from '../../processor/core/kpi/event-contributions.js';
import { RollupDelta } from '../../processor/core/kpi/rollup-delta.js';
import { eventDoc } from '../../processor/store/documents.js';
import { defaultRules } from './resolve-helper.js';
import { storedState } from './stored-state.js';
import { booking, quote } from './trip-records.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BASE = Date.parse('2026-03-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const STATIONS = ['BGY', 'MXP', 'LIN', 'FCO', 'CIA', 'NAP', 'VCE', 'BLQ', 'PSA', 'CTA'];
const SOURCES = ['rentalcars', 'autoeurope', 'discovercars', 'economybookings', 'kayak', 'holidayautos'];
const CAR_GROUPS = ['MBMR', 'ECMR', 'CDMR', 'IDAR', 'SDAR', 'FVMR', 'PVAR', 'XDAR'];
const CHANNELS = ['api', 'web', null];

/** A cheap, well-spread hash of an index, so dimensions vary without a random generator. */
const spread = (i: number, salt: number) => Math.imul(i + 1, 2654435761 + salt * 40503) >>> 16;
const pick = <T>(list: readonly T[], i: number, salt: number): T => list[spread(i, salt) % list.length] as T;

/**
 * A store as a processor would leave it, large enough to pass RethinkDB's 100,000-element array
 * limit: `quotes` quotes a minute apart, in pairs of duplicates (same customer and trip), every
 * eighth customer booking; dimensions spread so nearly every quote has rollup documents of its own;
 * `events` events over five days by a few hundred visitors.
 */
export function checkWorkload(quotes: number, events: number, clock: BucketClock, rules = defaultRules) {
  const trips: (QuoteUpsert | BookingUpsert)[] = [];
  for (let i = 0; i < quotes; i++) {
    const customer = Math.floor(i / 2);
    const quotedAt = BASE + i * MINUTE;
    const pickupAt = BASE + (customer * 2 + 14 * 24 * 60) * MINUTE + (i % 2) * HOUR;
    const trip = {
      customer: { email: `c${customer}@example.com`, phone: null, name: null },
      pickup: { station: pick(STATIONS, customer, 1), at: iso(pickupAt) },
      dropoff: { station: pick(STATIONS, customer, 2), at: iso(pickupAt + 7 * DAY) },
    };
    trips.push(
      quote(String(i), {
        ...trip,
        source: pick(SOURCES, i, 3),
        quotedAt: iso(quotedAt),
        carGroup: pick(CAR_GROUPS, i, 4),
        channel: pick(CHANNELS, i, 5),
      }),
    );
    if (i % 16 === 1) {
      trips.push(
        booking(String(i), {
          ...trip,
          source: pick(SOURCES, i, 3),
          bookedAt: iso(quotedAt + DAY),
          carGroup: pick(CAR_GROUPS, i, 4),
          status: i % 32 === 1 ? 'confirmed' : 'cancelled',
          price: { amount: 100 + (i % 500), currency: 'EUR' },
        }),
      );
    }
  }
  const state = storedState(trips, rules, clock);

  const eventRollups = new RollupDelta();
  const eventDocs = [];
  const visitors = new Map<string, VisitorMark>();
  for (let i = 0; i < events; i++) {
    const event: CanonicalEvent = {
      kind: 'event',
      id: `event-${i}`,
      type: 'view',
      name: pick(['home', 'search', 'quote'], i, 6),
      receivedAt: iso(BASE + Math.floor((i * 5 * DAY) / events)),
      sentAt: null,
      project: 'web',
      anonymousId: `visitor-${spread(i, 7) % 300}`,
      userId: null,
      properties: {},
      context: { campaign: {} },
    };
    eventDocs.push(eventDoc(event, 0));
    addEvent(eventRollups, clock, event);
    for (const mark of visitorMarks(clock, event)) visitors.set(mark.id, mark);
  }
  for (const [id, entry] of eventRollups.entries)
    state.rollups.push({ id, ...entry.key, counts: Object.fromEntries(entry.counts) });
  return { ...state, events: eventDocs, visitors: [...visitors.values()] };
}

export type CheckWorkload = ReturnType<typeof checkWorkload>;

/**
 * Inserts the workload's documents a thousand per query, four queries in flight (soft durability:
 * a test's data), so the round trips overlap the server's work.
 */
export async function loadWorkload(client: RethinkdbClient, workload: CheckWorkload): Promise<void> {
  const batches: (() => Promise<unknown>)[] = [];
  const tables: [string, readonly object[]][] = [
    ['quotes', workload.quotes],
    ['bookings', workload.bookings],
    ['clusters', workload.clusters],
    ['rollups', workload.rollups],
    ['events', workload.events],
    ['visitors', workload.visitors],
  ];
  for (const [name, docs] of tables) {
    for (let start = 0; start < docs.length; start += 1000) {
      const part = docs.slice(start, start + 1000);
      batches.push(() => client.run(r.db(client.db).table(name).insert(part, { durability: 'soft' })));
    }
  }
  const lane = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) await batch();
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
}
