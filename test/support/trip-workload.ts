import type { BookingUpsert, QuoteUpsert } from '../../lib/records/canonical.js';
import type { TripRecord } from './trip-arbitraries.js';
import { booking, quote, remove } from './trip-records.js';

/**
 * A seeded, realistic stream of quotes and bookings for integration tests and the benchmark:
 * customers ask several brokers for one trip (written differently each time), some demands turn
 * into bookings (by reference or not), and the stream carries updates, deletes, replays and
 * versions out of order.
 */

const STATIONS = ['BGY', 'MXP', 'LIN', 'FCO', 'CIA', 'NAP', 'VCE', 'BLQ', 'PSA', 'CTA'];
const SOURCES = ['rentalcars', 'autoeurope', 'doyouspain', 'economybookings'];
const GROUPS = ['MDMR', 'EDMR', 'CDMR', 'IDAR', 'SFAR'];
const FIRST = ['Mario', 'Giulia', 'Luca', 'Anna', 'Marco', 'Chiara', 'Paolo', 'Sara', 'Niccolò', 'Élodie'];
const LAST = [
  'Rossi',
  'Bianchi',
  'Ricci',
  'Romano',
  'Colombo',
  'Bruno',
  'Gallo',
  'Conti',
  'Esposito',
  'Greco',
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = Date.parse('2026-06-01T00:00:00Z');

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WorkloadOptions {
  quotes: number;
  seed?: number;
  /** Days over which pickups are spread (default 90)… */
  days?: number;
  /** …from this day (epoch ms; default 1 June 2026). */
  start?: number;
}

export function generateWorkload({
  quotes: total,
  seed = 42,
  days: spread = 90,
  start = BASE,
}: WorkloadOptions): TripRecord[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const iso = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000).toISOString();
  const out: TripRecord[] = [];
  const customers = Math.max(1, Math.floor(total / 3));
  let quoteSeq = 0;
  let bookingSeq = 0;
  while (quoteSeq < total) {
    const c = Math.floor(random() * customers);
    const first = FIRST[c % FIRST.length] ?? 'Mario';
    const last = LAST[Math.floor(c / FIRST.length) % LAST.length] ?? 'Rossi';
    const local = `${first}.${last}${c}`.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const phone = `3${String(100_000_000 + c).slice(-9)}`;
    const pickupStation = pick(STATIONS);
    const dropoffStation = random() < 0.8 ? pickupStation : pick(STATIONS);
    const pickupAt = start + Math.floor(random() * spread) * DAY + Math.floor(random() * 24) * HOUR;
    const days = 1 + Math.floor(random() * 14);
    const quotedAt = pickupAt - (1 + Math.floor(random() * 40)) * DAY;
    const asks = 1 + Math.floor(random() * 3);
    const made: QuoteUpsert[] = [];
    for (let i = 0; i < asks && quoteSeq < total; i++) {
      const source = pick(SOURCES);
      const key = String(++quoteSeq);
      const jitter = Math.floor(random() * 5) * 30 * 60_000;
      const customer = {
        email:
          random() < 0.8
            ? random() < 0.5
              ? `${local}@gmail.com`
              : `${local.replaceAll('.', '')}+${source}@googlemail.com`
            : null,
        phone:
          random() < 0.7
            ? pick([`+39 ${phone}`, `0039${phone}`, `(+39) ${phone.slice(0, 3)} ${phone.slice(3)}`, phone])
            : null,
        name:
          random() < 0.9 ? (random() < 0.5 ? `${first} ${last}` : `${last.toUpperCase()}, ${first}`) : null,
      };
      made.push(
        quote(key, {
          source,
          sourceKey: key,
          id: `${source}:${key}`,
          brokerQuoteRef: `Q${key}`,
          quotedAt: iso(quotedAt + Math.floor(random() * 3) * DAY + Math.floor(random() * 600) * 60_000),
          customer,
          pickup: {
            station: random() < 0.9 ? pickupStation : ` ${pickupStation.toLowerCase()} `,
            at: iso(pickupAt + jitter),
          },
          dropoff: { station: dropoffStation, at: iso(pickupAt + days * DAY - jitter) },
          carGroup: pick(GROUPS),
          price: { amount: Math.round(random() * 80_000) / 100, currency: 'EUR' },
          channel: pick(['api', 'web', null]),
        }),
      );
    }
    out.push(...made);
    const chosen = made[Math.floor(random() * made.length)];
    if (chosen && random() < 0.4) {
      const key = `B${++bookingSeq}`;
      const record: BookingUpsert = booking(key, {
        source: chosen.source,
        id: `${chosen.source}:${key}`,
        sourceKey: key,
        quoteRef: random() < 0.5 ? chosen.brokerQuoteRef : null,
        bookedAt: iso(Date.parse(chosen.quotedAt) + Math.floor(random() * 10 * 24) * HOUR),
        status: random() < 0.9 ? 'confirmed' : 'cancelled',
        customer: chosen.customer,
        pickup: chosen.pickup,
        dropoff: chosen.dropoff,
        carGroup: random() < 0.7 ? chosen.carGroup : pick(GROUPS),
        price: chosen.price,
        channel: chosen.channel,
      });
      out.push(record);
    }
    // Churn: updates (sometimes arriving before an older version), deletes and replays.
    const roll = random();
    const target = made[0];
    if (target && roll < 0.06) {
      const v2 = {
        ...target,
        version: 2,
        carGroup: pick(GROUPS),
        pickup: { ...target.pickup, at: iso(Date.parse(target.pickup.at) + HOUR) },
      };
      if (random() < 0.3) out.splice(out.length - made.length - 1, 0, v2);
      else out.push(v2);
    } else if (target && roll < 0.08) {
      out.push(remove('quote', target.id, 3));
    } else if (roll < 0.11 && out.length > 0) {
      const replay = out[Math.floor(random() * out.length)];
      if (replay) out.push(replay);
    }
  }
  return out;
}
