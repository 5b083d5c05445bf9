import r from 'rethinkdb';
import { normaliseEmail, normalisePhone } from '../../lib/resolution/normalise.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { BucketClock, GRANULARITIES } from '../../processor/core/kpi/buckets.js';
import type { RollupKey } from '../../processor/core/kpi/rollup-delta.js';
import { RollupDelta, rollupId } from '../../processor/core/kpi/rollup-delta.js';

/**
 * A small, realistic dataset for the dashboard's browser tests: six broker sources, demands of one
 * to three quotes over the last eight days up to now (so the live view has today, yesterday and
 * last week), about a third converted, a few events, and one pipeline_status document of every
 * component kind. Deterministic (no randomness): a screenshot of one run is comparable to the
 * next. Rollups are summed with the processor's own bucket clock and rollup ids.
 */

export const SOURCES = [
  'rentalcars',
  'autoeurope',
  'economybookings',
  'discovercars',
  'carjet',
  'doyouspain',
];
const STATIONS = ['BGY', 'MXP', 'FCO', 'NAP', 'CTA', 'PMO'];
const GROUPS = ['IDAR', 'CDMR', 'EDMR'];
const NAMES = ['Giovanni Ricci', 'Maria Rossi', 'Luca Bianchi', 'Anna Conti', 'Marco Gallo', 'Sara Greco'];
const HOUR = 3_600_000;

export interface Fixture {
  quotes: Record<string, unknown>[];
  bookings: Record<string, unknown>[];
  clusters: Record<string, unknown>[];
  /** A demand of several quotes, converted, to open in the explainer. */
  convertedDemandId: string;
  /** A customer email of that demand, as a user would type it (case and +tag differ). */
  searchEmail: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export async function seedDashboard(db: RethinkdbClient, zone: string, now = Date.now()): Promise<Fixture> {
  const clock = new BucketClock(zone);
  const delta = new RollupDelta();
  const trip = (
    at: number,
    source: string,
    station: string,
    carGroup: string,
    counts: Record<string, number>,
  ) => {
    const starts = clock.starts(at);
    for (const granularity of GRANULARITIES) {
      const key: RollupKey = {
        kind: 'trip',
        granularity,
        start: starts[granularity],
        source,
        pickupStation: station,
        carGroup,
        channel: 'api',
      };
      delta.add(key, counts);
    }
  };
  const quotes: Record<string, unknown>[] = [];
  const bookings: Record<string, unknown>[] = [];
  const clusters: Record<string, unknown>[] = [];
  let convertedDemandId = '';
  let searchEmail = '';
  // One demand every ~95 minutes over eight days, the last one a few minutes ago.
  for (let n = 0; n < 120; n++) {
    const firstAt = now - 5 * 60_000 - (119 - n) * 95 * 60_000;
    const source = SOURCES[n % SOURCES.length] ?? 'rentalcars';
    const station = STATIONS[(n * 5) % STATIONS.length] ?? 'BGY';
    const carGroup = GROUPS[n % GROUPS.length] ?? 'IDAR';
    const name = NAMES[n % NAMES.length] ?? 'Mario Rossi';
    const email = `${name.toLowerCase().replace(' ', '.')}${n}@example.com`;
    const size = 1 + (Math.floor(n / 3) % 3);
    const pickupAt = firstAt + (3 + (n % 40)) * 24 * HOUR;
    const ids: string[] = [];
    for (let q = 0; q < size; q++) {
      const quoteSource = SOURCES[(n + q) % SOURCES.length] ?? source;
      const quotedAt = firstAt + q * 7 * 60_000;
      if (quotedAt > now) break;
      const id = `${quoteSource}:${n}-${q}`;
      ids.push(id);
      const customer = {
        email: q === 1 ? email.toUpperCase() : email,
        phone: `+39 347 ${String(1000000 + n)}`,
        name,
      };
      quotes.push({
        kind: 'quote',
        op: 'upsert',
        id,
        source: quoteSource,
        sourceKey: `${n}-${q}`,
        version: 1,
        quotedAt: iso(quotedAt),
        brokerQuoteRef: `Q${n}${q}`,
        customer,
        // As the processor stores them (processor/store/documents.ts): the demand search's indexes.
        customerEmail: normaliseEmail(customer.email),
        customerPhone: normalisePhone(customer.phone, '39'),
        pickup: { station, at: iso(pickupAt) },
        dropoff: { station, at: iso(pickupAt + 7 * 24 * HOUR) },
        carGroup,
        price: { amount: 180 + ((n * 37) % 400), currency: 'EUR' },
        channel: 'api',
        attributes: {},
        clusterId: '',
        partition: n % 3,
      });
      trip(quotedAt, quoteSource, station, carGroup, { quotes: 1 });
    }
    const clusterId = ids[0] ?? '';
    for (const quote of quotes.slice(-ids.length)) quote.clusterId = clusterId;
    const converted = n % 3 === 0 && firstAt + 2 * HOUR < now;
    const bookedAt = firstAt + 2 * HOUR;
    clusters.push({
      id: clusterId,
      partition: n % 3,
      quoteIds: ids,
      bookingIds: converted ? [`${source}:b${n}`] : [],
      size: ids.length,
      firstQuotedAt: iso(firstAt),
      source,
      pickupStation: station,
      dropoffStation: station,
      carGroup,
      channel: 'api',
      leadTimeMs: pickupAt - firstAt,
      converted,
      convertedAt: converted ? iso(bookedAt) : null,
    });
    trip(firstAt, source, station, carGroup, {
      demands: 1,
      leadTimeMsSum: pickupAt - firstAt,
      leadTimeCount: 1,
      ...(converted
        ? { convertedDemands: 1, quoteToBookingMsSum: bookedAt - firstAt, quoteToBookingCount: 1 }
        : {}),
    });
    if (converted) {
      const cents = (180 + ((n * 37) % 400)) * 100;
      bookings.push({
        kind: 'booking',
        op: 'upsert',
        id: `${source}:b${n}`,
        source,
        sourceKey: `b${n}`,
        version: 1,
        bookedAt: iso(bookedAt),
        quoteRef: `Q${n}0`,
        status: 'confirmed',
        customer: { email, phone: null, name },
        pickup: { station, at: iso(pickupAt) },
        dropoff: { station, at: iso(pickupAt + 7 * 24 * HOUR) },
        carGroup,
        price: { amount: cents / 100, currency: 'EUR' },
        channel: 'api',
        attributes: {},
        quoteId: clusterId,
        clusterId,
        partition: n % 3,
      });
      trip(bookedAt, source, station, carGroup, { bookings: 1, 'revenueCents:EUR': cents });
      // The newest such demand: well inside any default period even if the clock passes local
      // midnight between seeding and the test (an eight-day-old one fell out of "last 7 days").
      if (size === 3) {
        convertedDemandId = clusterId;
        searchEmail = ` ${email.replace('@', '+newsletter@').toUpperCase()} `;
      }
    }
  }
  // Events: a page view every 20 minutes over the last day.
  const events: Record<string, unknown>[] = [];
  for (let e = 0; e < 72; e++) {
    const at = now - e * 20 * 60_000;
    events.push({
      kind: 'event',
      id: `00000000-0000-4000-8000-${String(e).padStart(12, '0')}`,
      type: 'view',
      name: 'search',
      receivedAt: iso(at),
      sentAt: iso(at),
      project: 'web',
      anonymousId: `visitor-${e % 9}`,
      userId: null,
      properties: {},
      context: { page: '/search' },
      quoteRef: null,
      bookingRef: null,
      partition: 0,
    });
    const starts = clock.starts(at);
    for (const granularity of GRANULARITIES)
      delta.add(
        {
          kind: 'event',
          granularity,
          start: starts[granularity],
          project: 'web',
          type: 'view',
          name: 'search',
        },
        { events: 1 },
      );
  }
  const rollups = [...delta.entries.values()].map((entry) => ({
    id: rollupId(entry.key),
    ...entry.key,
    counts: Object.fromEntries(entry.counts),
    applied: { 'qf.quotes:0': 1 },
  }));
  const status = pipelineStatus(now);
  const database = r.db(db.db);
  await db.run(database.table('quotes').insert(quotes, { conflict: 'replace' }));
  await db.run(database.table('bookings').insert(bookings, { conflict: 'replace' }));
  await db.run(database.table('clusters').insert(clusters, { conflict: 'replace' }));
  await db.run(database.table('events').insert(events, { conflict: 'replace' }));
  await db.run(database.table('rollups').insert(rollups, { conflict: 'replace' }));
  await db.run(database.table('pipeline_status').insert(status, { conflict: 'replace' }));
  return { quotes, bookings, clusters, convertedDemandId, searchEmail };
}

/** One document of every kind the pipeline view shows: six connectors (one failing), processors, a collector, a worker. */
export function pipelineStatus(now: number): Record<string, unknown>[] {
  const at = iso(now);
  const connectors = SOURCES.map((source, index) => ({
    id: `connector:${source}`,
    component: `connector:${source}`,
    source,
    mode: index % 2 === 0 ? 'log' : 'poll',
    client: index % 2 === 0 ? 'postgres' : 'mysql',
    state: index === 5 ? 'failing' : 'running',
    phase: 'streaming',
    offsets:
      index % 2 === 0
        ? { lsn: `0/${(16_000_000 + index).toString(16).toUpperCase()}` }
        : { quotes: { updatedAt: at, id: 41_000 + index } },
    lagSeconds: index === 5 ? 840 : index,
    rowsPerSecond: index === 5 ? 0 : 12 * (index + 1),
    rowsTotal: 7_000 + index * 1_234,
    dlqTotal: index === 5 ? 3 : 0,
    lastError: index === 5 ? 'connect ECONNREFUSED 10.0.4.17:3306' : null,
    lastErrorAt: index === 5 ? iso(now - 120_000) : null,
    updatedAt: at,
  }));
  const processors = ['qf.quotes', 'qf.bookings', 'qf.events'].flatMap((topic) =>
    [0, 1, 2].map((partition) => ({
      id: `processor:${topic}:${partition}`,
      component: 'processor',
      topic,
      partition,
      lastOffset: String(10_000 + partition * 517),
      lag: partition === 2 ? 250 : 0,
      applied: 20,
      unchanged: 1,
      dlq: 0,
      updatedAt: at,
    })),
  );
  return [
    ...connectors,
    ...processors,
    {
      id: 'collector:web-1',
      component: 'collector',
      spoolBytes: 48_128,
      spoolSegments: 1,
      spoolRecords: 12,
      deadLetters: 0,
      updatedAt: at,
    },
    {
      id: 'worker:web-1:4242',
      component: 'worker',
      checksCompleted: 48,
      checksFailed: 0,
      notificationsDelivered: 2,
      notificationsFailed: 0,
      lastFailure: null,
      lastFailureAt: null,
      startedAt: iso(now - 6 * HOUR),
      updatedAt: at,
    },
  ];
}
