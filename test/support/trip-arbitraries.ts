import fc from 'fast-check';
import type { BookingUpsert, QuoteUpsert, RecordDelete } from '../../lib/records/canonical.js';
import { compareVersions } from '../../lib/records/version.js';
import { booking, quote, remove } from './trip-records.js';

/**
 * Random histories of quotes and bookings over small pools of customers, stations and times, so
 * that duplicates, chains, matches and near misses are frequent. Each id gets versions 1, 2, 3… in
 * the order generated; arrival order is shuffled and some records arrive twice (replays).
 */

export type TripRecord = QuoteUpsert | BookingUpsert | RecordDelete;

const BASE = Date.parse('2026-07-01T08:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const customer = fc.record({
  email: fc.constantFrom(null, 'mario.rossi@gmail.com', 'MarioRossi+x@googlemail.com', 'anna@yahoo.it'),
  phone: fc.constantFrom(null, '0039 347 1234567', '+39 333 0000000', '06 1234567'),
  name: fc.constantFrom(null, 'Rossi, Mario', 'Anna Bianchi', 'Luca Verdi'),
});

const trip = fc.record({
  source: fc.constantFrom('rentalcars', 'autoeurope'),
  pickupStation: fc.oneof(
    { weight: 4, arbitrary: fc.constant('BGY') },
    { weight: 1, arbitrary: fc.constant('mxp ') },
  ),
  pickupSlot: fc.integer({ min: 0, max: 5 }),
  dropoffSlot: fc.integer({ min: 0, max: 2 }),
  carGroup: fc.constantFrom('IDAR', 'CDMR'),
  channel: fc.constantFrom(null, 'api', 'web'),
  customer,
});

type TripShape = typeof trip extends fc.Arbitrary<infer T> ? T : never;

interface Step {
  kind: 'quote' | 'booking';
  key: number;
  del: boolean;
  trip: TripShape;
  day: number;
  ref: string | null;
  confirmed: boolean;
  price: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(
    { weight: 3, arbitrary: fc.constant('quote' as const) },
    { weight: 2, arbitrary: fc.constant('booking' as const) },
  ),
  key: fc.integer({ min: 0, max: 5 }),
  del: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
  trip,
  day: fc.constantFrom(0, 5, 13, 15, 29, 31),
  ref: fc.constantFrom(null, 'R1', 'R2'),
  confirmed: fc.boolean(),
  price: fc.integer({ min: 1, max: 100_000 }).map((cents) => cents / 100),
});

function toRecord(s: Step, version: number): TripRecord {
  const key = `${s.kind[0] ?? ''}${s.key}`;
  const source = s.key % 2 === 0 ? 'rentalcars' : 'autoeurope';
  if (s.del) return remove(s.kind, `${source}:${key}`, version);
  // Slots 1.5 h apart: two slots apart is exactly the 3 h tolerance, three slots is a near miss.
  const pickupAt = BASE + s.trip.pickupSlot * 1.5 * HOUR;
  const fields = {
    source,
    version,
    customer: s.trip.customer,
    pickup: { station: s.trip.pickupStation, at: iso(pickupAt) },
    dropoff: { station: 'BGY', at: iso(pickupAt + 7 * DAY + s.trip.dropoffSlot * 1.5 * HOUR) },
    carGroup: s.trip.carGroup,
    channel: s.trip.channel,
    price: { amount: s.price, currency: 'EUR' },
  };
  return s.kind === 'quote'
    ? quote(key, { ...fields, quotedAt: iso(BASE - 20 * DAY + s.day * DAY), brokerQuoteRef: s.ref })
    : booking(key, {
        ...fields,
        bookedAt: iso(BASE - 20 * DAY + s.day * DAY + 6 * HOUR),
        quoteRef: s.ref,
        status: s.confirmed ? 'confirmed' : 'cancelled',
      });
}

export interface History {
  /** In generation order: each id's versions ascend. */
  generated: TripRecord[];
  /** Shuffled, with replays. */
  arrivals: TripRecord[];
  /** Indexes into arrivals after which a batch ends. */
  batchEnds: Set<number>;
}

export const history: fc.Arbitrary<History> = fc
  .array(step, { minLength: 1, maxLength: 40 })
  .chain((steps) => {
    const versions = new Map<string, number>();
    const generated = steps.map((s) => {
      const id = `${s.kind}${s.key}`;
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      return toRecord(s, version);
    });
    return fc
      .tuple(
        fc.shuffledSubarray(generated, { minLength: generated.length, maxLength: generated.length }),
        fc.subarray(generated),
        fc.array(fc.nat({ max: 60 }), { maxLength: 10 }),
      )
      .chain(([shuffled, replays, ends]) =>
        fc
          .shuffledSubarray([...shuffled, ...replays], {
            minLength: shuffled.length + replays.length,
            maxLength: shuffled.length + replays.length,
          })
          .map((arrivals) => ({ generated, arrivals, batchEnds: new Set(ends) })),
      );
  });

/** The live records at the end: per id the highest version (an upsert outranks a delete of equal version). */
export function finalLiveRecords(records: readonly TripRecord[]): TripRecord[] {
  const winners = new Map<string, TripRecord>();
  for (const record of records) {
    const key = `${record.kind}:${record.id}`;
    const current = winners.get(key);
    const order = current ? compareVersions(record.version, current.version) : 1;
    if (order > 0 || (order === 0 && record.op === 'upsert')) winners.set(key, record);
  }
  return [...winners.values()]
    .filter((record) => record.op === 'upsert')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
