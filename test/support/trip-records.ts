import type { BookingUpsert, QuoteUpsert, RecordDelete } from '../../lib/records/canonical.js';

/** Canonical quote and booking records for tests, with sensible defaults. */

type Overrides<T> = Partial<Omit<T, 'customer'>> & {
  customer?: { email?: string | null; phone?: string | null; name?: string | null } | null;
};

export function quote(key: string, overrides: Overrides<QuoteUpsert> = {}): QuoteUpsert {
  const source = overrides.source ?? 'rentalcars';
  return {
    kind: 'quote',
    op: 'upsert',
    id: `${source}:${key}`,
    source,
    sourceKey: key,
    version: 1,
    quotedAt: '2026-06-25T20:14:00Z',
    brokerQuoteRef: null,
    pickup: { station: 'BGY', at: '2026-07-01T07:36:00Z' },
    dropoff: { station: 'BGY', at: '2026-07-11T05:36:00Z' },
    carGroup: 'IDAR',
    price: { amount: 441.2, currency: 'EUR' },
    channel: 'api',
    attributes: {},
    ...overrides,
    customer: customerOf(overrides.customer),
  };
}

export function booking(key: string, overrides: Overrides<BookingUpsert> = {}): BookingUpsert {
  const source = overrides.source ?? 'rentalcars';
  return {
    kind: 'booking',
    op: 'upsert',
    id: `${source}:${key}`,
    source,
    sourceKey: key,
    version: 1,
    bookedAt: '2026-06-26T09:00:00Z',
    quoteRef: null,
    status: 'confirmed',
    pickup: { station: 'BGY', at: '2026-07-01T07:36:00Z' },
    dropoff: { station: 'BGY', at: '2026-07-11T05:36:00Z' },
    carGroup: 'IDAR',
    price: { amount: 441.2, currency: 'EUR' },
    channel: 'api',
    attributes: {},
    ...overrides,
    customer: customerOf(overrides.customer),
  };
}

export function remove(kind: 'quote' | 'booking', id: string, version: number | string): RecordDelete {
  const [source = '', sourceKey = ''] = id.split(':');
  return { kind, op: 'delete', id, source, sourceKey, version };
}

/** A customer nobody else in a test shares. */
export function stranger(n: number): { email: string; phone: string; name: string } {
  return {
    email: `someone${n}@example.org`,
    phone: `+44 20 7946 ${String(n).padStart(4, '0')}`,
    name: `Person Number${'x'.repeat(n)}`,
  };
}

function customerOf(overrides: Overrides<QuoteUpsert>['customer']): QuoteUpsert['customer'] {
  if (overrides === null) return null;
  return { email: 'gricci91@yahoo.it', phone: '+39 339 1520522', name: 'GIOVANNI RICCI', ...overrides };
}
