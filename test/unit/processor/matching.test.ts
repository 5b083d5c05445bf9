import { expect } from 'chai';
import { booking, quote, remove, stranger } from '../../support/trip-records.js';
import { resolve } from '../../support/resolve-helper.js';

function matches(lines: ReturnType<typeof resolve>): Record<string, string | null> {
  return Object.fromEntries(
    lines.flatMap((line) => (line.type === 'booking' ? [[line.id, line.quoteId] as const] : [])),
  );
}

describe('booking matching', () => {
  describe('when the booking carries the quote reference', () => {
    it('should match the quote of the same source with that brokerQuoteRef', () => {
      const lines = resolve([
        quote('1', { brokerQuoteRef: 'Q1', customer: stranger(1) }),
        quote('2', { quotedAt: '2026-06-26T08:00:00Z' }),
        booking('b', { quoteRef: 'Q1' }),
      ]);
      expect(matches(lines)).to.deep.equal({ 'rentalcars:b': 'rentalcars:1' });
    });
    it('should not take the reference of another source', () => {
      const lines = resolve([
        quote('1', { source: 'autoeurope', brokerQuoteRef: 'Q1', customer: stranger(1) }),
        booking('b', { quoteRef: 'Q1' }),
      ]);
      expect(matches(lines)).to.deep.equal({ 'rentalcars:b': null });
    });
  });

  describe('when the booking matches by customer and trip', () => {
    it('should match within the tolerances and 30 days', () => {
      const lines = resolve([
        quote('1', { quotedAt: '2026-06-01T09:00:00Z' }),
        booking('b', {
          bookedAt: '2026-07-01T09:00:00Z',
          pickup: { station: 'BGY', at: '2026-07-01T10:36:00Z' },
          dropoff: { station: 'bgy', at: '2026-07-11T02:36:00Z' },
        }),
      ]);
      expect(lines).to.deep.include({
        type: 'booking',
        id: 'rentalcars:b',
        quoteId: 'rentalcars:1',
        clusterId: 'rentalcars:1',
      });
    });
    const misses: [string, Parameters<typeof booking>[1]][] = [
      ['a different person on the same trip', { customer: stranger(2) }],
      ['the same person the next day', { pickup: { station: 'BGY', at: '2026-07-02T07:36:00Z' } }],
      ['pickup 3h01m apart', { pickup: { station: 'BGY', at: '2026-07-01T04:35:00Z' } }],
      ['drop-off 3h01m apart', { dropoff: { station: 'BGY', at: '2026-07-11T08:37:00Z' } }],
      ['booked before the quote', { bookedAt: '2026-06-25T20:13:59Z' }],
      ['booked 30 days and a minute after the quote', { bookedAt: '2026-07-25T20:15:00Z' }],
      ['another station', { dropoff: { station: 'MXP', at: '2026-07-11T05:36:00Z' } }],
    ];
    for (const [name, overrides] of misses) {
      it(`should leave unquoted ${name}`, () => {
        expect(matches(resolve([quote('1'), booking('b', overrides)]))).to.deep.equal({
          'rentalcars:b': null,
        });
      });
    }
  });

  describe('when several quotes qualify', () => {
    it('should prefer the same source, then car group, then latest quotedAt, then smallest id', () => {
      const base = [
        quote('z', { source: 'autoeurope', quotedAt: '2026-06-25T23:00:00Z' }),
        quote('c', { carGroup: 'XXXX', quotedAt: '2026-06-25T22:00:00Z' }),
        quote('b', { quotedAt: '2026-06-25T20:00:00Z' }),
        quote('a', { quotedAt: '2026-06-25T21:00:00Z' }),
        quote('a2', { quotedAt: '2026-06-25T21:00:00Z' }),
      ];
      expect(matches(resolve([...base, booking('x')]))).to.deep.equal({ 'rentalcars:x': 'rentalcars:a' });
      expect(matches(resolve([...base.slice(0, 3), booking('x')]))).to.deep.equal({
        'rentalcars:x': 'rentalcars:b',
      });
      expect(matches(resolve([...base.slice(0, 2), booking('x')]))).to.deep.equal({
        'rentalcars:x': 'rentalcars:c',
      });
      expect(matches(resolve([base[0]!, booking('x')]))).to.deep.equal({ 'rentalcars:x': 'autoeurope:z' });
    });
  });

  describe('when quotes change after the booking arrived', () => {
    it('should re-match when a better quote arrives and when it is deleted', () => {
      const early = [
        quote('1', { quotedAt: '2026-06-20T09:00:00Z', customer: { email: null, phone: null } }),
        booking('b'),
      ];
      expect(matches(resolve(early))).to.deep.equal({ 'rentalcars:b': 'rentalcars:1' });
      const better = [
        ...early,
        quote('2', { brokerQuoteRef: 'R', customer: stranger(3) }),
        booking('b', { version: 2, quoteRef: 'R' }),
      ];
      expect(matches(resolve(better))).to.deep.equal({ 'rentalcars:b': 'rentalcars:2' });
      expect(matches(resolve([...better, remove('quote', 'rentalcars:2', 9)]))).to.deep.equal({
        'rentalcars:b': 'rentalcars:1',
      });
      expect(
        matches(resolve([...better, remove('quote', 'rentalcars:2', 9), remove('quote', 'rentalcars:1', 9)])),
      ).to.deep.equal({
        'rentalcars:b': null,
      });
    });
    it('should follow the cluster id of its quote', () => {
      const lines = resolve([quote('5'), booking('b'), quote('1', { quotedAt: '2026-06-24T00:00:00Z' })]);
      expect(lines).to.deep.include({
        type: 'booking',
        id: 'rentalcars:b',
        quoteId: 'rentalcars:5',
        clusterId: 'rentalcars:1',
      });
    });
    it('should forget a deleted booking', () => {
      expect(resolve([quote('1'), booking('b'), remove('booking', 'rentalcars:b', 2)])).to.deep.equal([
        { type: 'quote', id: 'rentalcars:1', clusterId: 'rentalcars:1' },
      ]);
    });
  });
});
