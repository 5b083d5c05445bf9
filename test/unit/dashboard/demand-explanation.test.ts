import { expect } from 'chai';
import { parseConfig } from '../../../lib/config/load-config.js';
import type { BookingUpsert, QuoteUpsert } from '../../../lib/records/canonical.js';
import { resolutionRules } from '../../../lib/resolution/rules.js';
import { bookingRule, demandPairs } from '../../../dashboard/queries/demand-explanation.js';

const rules = resolutionRules(parseConfig('', {}).config.resolution);

function quote(n: number, overrides: Partial<QuoteUpsert> = {}): QuoteUpsert {
  return {
    kind: 'quote',
    op: 'upsert',
    id: `b${n}:${n}`,
    source: `b${n}`,
    sourceKey: String(n),
    version: 1,
    quotedAt: '2026-06-25T08:00:00Z',
    brokerQuoteRef: `Q${n}`,
    customer: { email: 'Mario.Rossi+x@gmail.com', phone: null, name: null },
    pickup: { station: 'BGY', at: '2026-07-01T08:00:00Z' },
    dropoff: { station: 'BGY', at: '2026-07-08T08:00:00Z' },
    carGroup: 'IDAR',
    price: null,
    channel: null,
    attributes: {},
    ...overrides,
  };
}

describe('demandPairs', () => {
  it('should name the rule parts that joined two quotes, and leave out pairs joined only through a third', () => {
    const quotes = [
      quote(1),
      quote(2, {
        customer: { email: 'mariorossi@googlemail.com' },
        pickup: { station: 'bgy', at: '2026-07-01T10:30:00Z' },
      }),
      quote(3, {
        customer: { email: 'mariorossi@gmail.com' },
        pickup: { station: 'BGY', at: '2026-07-01T12:00:00Z' },
      }),
    ];
    expect(demandPairs(quotes, rules)).to.deep.equal([
      {
        a: 'b1:1',
        b: 'b2:2',
        duplicate: true,
        sameCustomerBy: ['email'],
        sameStations: true,
        pickupApartMinutes: 150,
        dropoffApartMinutes: 0,
        quotedApartHours: 0,
      },
      {
        a: 'b2:2',
        b: 'b3:3',
        duplicate: true,
        sameCustomerBy: ['email'],
        sameStations: true,
        pickupApartMinutes: 90,
        dropoffApartMinutes: 0,
        quotedApartHours: 0,
      },
    ]);
  });
});

describe('bookingRule', () => {
  const booking = {
    ...quote(1),
    kind: 'booking',
    bookedAt: '2026-06-26T08:00:00Z',
    status: 'confirmed',
    quoteRef: 'Q1',
    quoteId: 'b1:1',
  } as unknown as BookingUpsert & { quoteId: string };

  it('should tell a reference match from a customer-and-trip match', () => {
    expect(bookingRule(booking, [quote(1)])).to.equal('quote reference');
    expect(bookingRule({ ...booking, quoteRef: null }, [quote(1)])).to.equal('customer, stations and times');
    expect(bookingRule({ ...booking, quoteId: null }, [quote(1)])).to.equal(null);
  });
});
