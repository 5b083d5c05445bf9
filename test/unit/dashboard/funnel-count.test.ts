import { expect } from 'chai';
import type { FunnelInput } from '../../../dashboard/funnel/funnel-count.js';
import { countFunnel, stepRate } from '../../../dashboard/funnel/funnel-count.js';
import { bookingIdOf, campaignOf, isVisit, quoteKeyOf } from '../../../dashboard/funnel/visit-event.js';

const input: FunnelInput = {
  visitors: new Map([
    ['v1', 'summer'],
    ['v2', 'summer'],
    ['v3', '(none)'],
  ]),
  links: new Map([
    // v1 reaches one quote twice over (by reference and by identity): counted once.
    ['v1', new Set(['rc:1', 'ae:2'])],
    ['v2', new Set(['rc:1', 'gone:9'])],
  ]),
  quotes: new Map([
    ['rc:1', { source: 'rc', station: 'BGY', clusterId: 'rc:1' }],
    ['ae:2', { source: 'ae', station: 'MXP', clusterId: 'ae:2' }],
  ]),
  bookings: new Map([['rc:1', new Set(['rc:b1', 'rc:b2'])]]),
};

describe('countFunnel', () => {
  describe('when visitors share quotes and demands', () => {
    it('should count each visitor, quote, demand and booking once', () => {
      expect(countFunnel(input).total).to.deep.equal({
        group: null,
        visits: 3,
        quotes: 2,
        linkedQuotes: 2,
        demands: 2,
        bookings: 2,
      });
    });
  });

  describe('when grouped', () => {
    it('should split visitors by campaign', () => {
      expect(countFunnel(input, {}, 'campaign').rows).to.deep.equal([
        { group: 'summer', visits: 2, quotes: 2, linkedQuotes: 2, demands: 2, bookings: 2 },
        { group: '(none)', visits: 1, quotes: 0, linkedQuotes: 0, demands: 0, bookings: 0 },
      ]);
    });

    it('should put every visit in each source row, and the quoters by their quotes', () => {
      expect(countFunnel(input, {}, 'source').rows).to.deep.equal([
        { group: 'rc', visits: 3, quotes: 2, linkedQuotes: 1, demands: 1, bookings: 2 },
        { group: 'ae', visits: 3, quotes: 1, linkedQuotes: 1, demands: 1, bookings: 0 },
      ]);
    });
  });

  describe('when filtered', () => {
    it('should keep the campaign’s visitors and the station’s quotes', () => {
      expect(countFunnel(input, { campaign: 'summer', station: 'MXP' }).total).to.deep.equal({
        group: null,
        visits: 2,
        quotes: 1,
        linkedQuotes: 1,
        demands: 1,
        bookings: 0,
      });
    });
  });

  it('should give no rate after an empty step', () => {
    expect([stepRate(1, 4), stepRate(0, 0)]).to.deep.equal([0.25, null]);
  });
});

describe('visit-event', () => {
  const base = { id: 'e', type: 'page', receivedAt: '2026-06-25T08:00:00Z', anonymousId: 'v' };
  it('should tell visits from identity calls and visitor-less events', () => {
    expect([
      isVisit(base),
      isVisit({ ...base, type: 'identify' }),
      isVisit({ ...base, type: 'postback' }),
      isVisit({ ...base, anonymousId: null }),
    ]).to.deep.equal([true, false, false, false]);
  });

  it('should read the campaign, and link a reference only with its broker', () => {
    expect(campaignOf({ ...base, context: { campaign: { name: ' summer ' } } })).to.equal('summer');
    expect(campaignOf(base)).to.equal('(none)');
    expect(quoteKeyOf({ ...base, quoteRef: ' Q1 ', properties: { source: 'rc' } })).to.deep.equal([
      'rc',
      'Q1',
    ]);
    expect(quoteKeyOf({ ...base, quoteRef: 'Q1', properties: {} })).to.equal(null);
    expect(bookingIdOf({ ...base, bookingRef: '77', properties: { source: 'rc' } })).to.equal('rc:77');
  });
});
