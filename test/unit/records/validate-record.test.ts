import { expect } from 'chai';
import { validateRecord } from '../../../lib/records/validate-record.js';

const quote = {
  kind: 'quote',
  id: 'rentalcars:19',
  source: 'rentalcars',
  sourceKey: '19',
  version: 1,
  op: 'upsert',
  quotedAt: '2026-06-25T20:14:00Z',
  brokerQuoteRef: 'Q1002',
  customer: { email: 'gricci91+x@yahoo.it', phone: '+39 339 1520522', name: 'GIOVANNI RICCI' },
  pickup: { station: 'BGY', at: '2026-07-01T07:36:00Z' },
  dropoff: { station: 'BGY', at: '2026-07-11T05:36:00Z' },
  carGroup: 'IDAR',
  price: { amount: 441.2, currency: 'EUR' },
  channel: 'api',
  attributes: {},
};

const booking = {
  ...quote,
  kind: 'booking',
  id: 'rentalcars:B7',
  sourceKey: 'B7',
  bookedAt: '2026-06-26T08:00:00+02:00',
  quoteRef: 'Q1002',
  status: 'confirmed',
};

const event = {
  kind: 'event',
  id: '0b8f2c1e-4c1a-4d6e-9d55-5d1b9a1f2e3c',
  type: 'click',
  name: 'search',
  receivedAt: '2026-06-25T20:14:00.123Z',
  project: 'web',
  anonymousId: 'a-1',
  properties: { quoteRef: 'Q1002' },
  context: { ip: '203.0.113.9', campaign: { source: 'newsletter' } },
};

function issues(input: unknown): string[] {
  const result = validateRecord(input);
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('validateRecord', () => {
  describe('when records are valid', () => {
    it('should accept the quote of DESIGN.md as it is', () => {
      const result = validateRecord(quote);
      expect(result).to.deep.equal({ ok: true, record: quote });
    });

    it('should accept a booking, an event, and a delete that carries only its key', () => {
      expect(issues(booking)).to.deep.equal([]);
      expect(issues(event)).to.deep.equal([]);
      expect(
        issues({
          kind: 'booking',
          op: 'delete',
          id: 'x:1',
          source: 'x',
          sourceKey: '1',
          version: '2026-01-01T00:00:00Z',
        }),
      ).to.deep.equal([]);
    });

    it('should accept absent and null optional fields', () => {
      const { customer: _c, brokerQuoteRef: _b, price: _p, channel: _ch, attributes: _a, ...bare } = quote;
      expect(issues(bare)).to.deep.equal([]);
      expect(
        issues({ ...quote, customer: null, price: null, channel: null, brokerQuoteRef: null }),
      ).to.deep.equal([]);
      expect(issues({ ...quote, customer: { email: null } })).to.deep.equal([]);
    });

    it('should accept big integer versions as digit strings and timestamps without an offset', () => {
      expect(issues({ ...quote, version: '123456789012345678901234' })).to.deep.equal([]);
      expect(issues({ ...quote, quotedAt: '2026-06-25T20:14' })).to.deep.equal([]);
    });
  });

  describe('when records are invalid', () => {
    it('should name each bad field', () => {
      expect(
        issues({
          ...quote,
          quotedAt: '2026-02-30T10:00:00Z',
          pickup: { station: '' },
          price: { amount: '441', currency: 'euro' },
        }),
      ).to.have.members([
        'quotedAt: must be an ISO-8601 date-time',
        'pickup.station: must have at least 1 characters',
        'pickup.at: required',
        'price.amount: must be number, not a string',
        'price.currency: must be an ISO 4217 code such as EUR',
      ]);
    });

    it('should reject an id that is not <source>:<sourceKey>', () => {
      expect(issues({ ...quote, id: 'rentalcars:20' })).to.deep.equal(['id: must be <source>:<sourceKey>']);
    });

    it('should reject a version that is neither an integer nor a UTC timestamp', () => {
      expect(issues({ ...quote, version: '2026-06-25T20:14:00+02:00' })).to.deep.equal([
        'version: does not match any allowed form',
      ]);
      expect(issues({ ...quote, version: -1 })).to.deep.equal(['version: must be >= 0']);
    });

    it('should reject an unknown kind, op, status or event type', () => {
      expect(issues({ ...quote, kind: 'offer' })).to.deep.equal([
        'kind: must be one of: "quote", "booking", "event"',
      ]);
      expect(issues({ ...quote, op: 'merge' })).to.deep.equal(['op: must be one of: "upsert", "delete"']);
      expect(issues({ ...booking, status: 'pending' })).to.deep.equal([
        'status: must be one of: "confirmed", "cancelled"',
      ]);
      expect(issues({ ...event, type: 'scroll', id: 'not-a-uuid' })).to.have.members([
        'type: must be one of: "click", "view", "postback", "track", "page", "screen", "identify", "group", "alias"',
        'id: must be a valid uuid',
      ]);
    });

    it('should reject what is not an object', () => {
      for (const input of [null, 'quote', [quote], 42]) {
        expect(issues(input)).to.deep.equal([': must be a JSON object']);
      }
    });

    it('should not echo personal data in messages', () => {
      const found = issues({ ...quote, customer: { email: 42, name: 'x'.repeat(300) } });
      expect(found).to.deep.equal([
        'customer.email: must be string, not a number',
        'customer.name: must have at most 256 characters',
      ]);
    });
  });
});
