import { expect } from 'chai';
import type { RequestFacts } from '../../../collector/events/build-event.js';
import { buildEach } from '../../../collector/events/build-event.js';
import { clientContext, eventTimes, messageUuid } from '../../../collector/events/segment-call.js';

const facts: RequestFacts = {
  project: 'website',
  receivedAt: '2026-11-27T12:00:00.000Z',
  ip: '203.0.113.7',
  userAgent: 'analytics-node-next/latest',
  agent: null,
};

describe('Segment spec mapping', () => {
  describe('eventTimes', () => {
    it('should move the client reading by the skew its sentAt shows', () => {
      // The device's clock is 1 h ahead: it sent at 13:00:05 an event of 13:00:00; received at 12:00:00.
      expect(
        eventTimes({ timestamp: '2026-11-27T13:00:00Z', sentAt: '2026-11-27T13:00:05Z' }, facts.receivedAt),
      ).to.deep.equal({
        ok: true,
        timestamp: '2026-11-27T11:59:55.000Z',
        originalTimestamp: '2026-11-27T13:00:00Z',
      });
    });

    it("should read RudderStack's originalTimestamp, keep a reading without sentAt and default to receivedAt", () => {
      expect(
        eventTimes(
          { originalTimestamp: '2026-11-27T11:00:00+01:00', sentAt: '2026-11-27T10:00:01Z' },
          facts.receivedAt,
        ),
      ).to.deep.include({ timestamp: '2026-11-27T11:59:59.000Z' });
      expect(eventTimes({ timestamp: '2026-11-27T08:00:00Z' }, facts.receivedAt)).to.deep.include({
        timestamp: '2026-11-27T08:00:00Z',
      });
      expect(eventTimes({}, facts.receivedAt)).to.deep.equal({
        ok: true,
        timestamp: facts.receivedAt,
        originalTimestamp: null,
      });
    });

    it('should name the field of a reading that is no date-time', () => {
      expect(eventTimes({ timestamp: 'yesterday' }, facts.receivedAt)).to.deep.equal({
        ok: false,
        issue: { field: 'timestamp', message: 'must be an ISO-8601 date-time' },
      });
      expect(eventTimes({ originalTimestamp: 5 }, facts.receivedAt)).to.have.nested.property(
        'issue.field',
        'originalTimestamp',
      );
    });
  });

  describe('clientContext', () => {
    it("should keep every key but the server's, and map the spec's page and referrer objects to URLs", () => {
      const page = {
        path: '/a',
        referrer: 'https://www.google.com/',
        title: 'A',
        url: 'https://rent.example/a',
      };
      const result = clientContext({
        page,
        ip: '1.2.3.4',
        userAgent: 'forged',
        library: { name: 'analytics.js' },
      });
      expect(result).to.deep.equal({
        ok: true,
        context: {
          page: 'https://rent.example/a',
          pageInfo: page,
          referrer: 'https://www.google.com/',
          library: { name: 'analytics.js' },
          campaign: {},
        },
      });
      const referrer = { type: 'link', url: 'https://partner.example/x' };
      expect(clientContext({ referrer })).to.have.nested.property('context.referrer', referrer.url);
      expect(clientContext('x')).to.deep.equal({
        ok: false,
        issue: { field: 'context', message: 'must be an object' },
      });
    });
  });

  describe('buildEach', () => {
    it('should make one UUID per project and messageId, so a retry keeps the id', () => {
      const call = { type: 'track', event: 'Search', anonymousId: 'a1', messageId: 'node-next-1-x' };
      const first = buildEach([call], facts).accepted[0]?.event;
      const again = buildEach([call], { ...facts, receivedAt: '2026-11-27T12:00:09.000Z' }).accepted[0]
        ?.event;
      expect(first?.id).to.equal(messageUuid('website', 'node-next-1-x')).and.to.equal(again?.id);
      expect(first?.messageId).to.equal('node-next-1-x');
      expect(messageUuid('app', 'node-next-1-x')).not.to.equal(first?.id);
    });

    it('should build every call type and keep the valid events of a batch with invalid ones', () => {
      const result = buildEach(
        [
          { type: 'identify', userId: 'u1', traits: { email: 'a@b.it' } },
          { type: 'alias', userId: 'u1' },
          { type: 'page', anonymousId: 'a1', category: 'Docs' },
          { type: 'group', userId: 'u1', groupId: 'g1' },
          { type: 'screen', userId: 'u1', name: 'Home' },
          { type: 'identify', anonymousId: 'a1', context: { traits: { phone: '347' } } },
          { type: 'group', userId: 'u1' },
          'not an object',
        ],
        facts,
      );
      expect(result.accepted.map((a) => [a.index, a.event.type, a.event.name])).to.deep.equal([
        [0, 'identify', 'identify'],
        [2, 'page', 'page'],
        [3, 'group', 'group'],
        [4, 'screen', 'Home'],
        [5, 'identify', 'identify'],
      ]);
      expect(result.accepted[1]?.event.properties).to.deep.equal({ category: 'Docs' });
      expect(result.accepted[4]?.event.traits).to.deep.equal({ phone: '347' });
      expect(result.rejected.map((r) => r.issues)).to.deep.equal([
        [{ index: 1, field: 'previousId', message: 'alias needs previousId' }],
        [{ index: 6, field: 'groupId', message: 'group needs groupId' }],
        [{ index: 7, field: '', message: 'must be a JSON object' }],
      ]);
    });
  });
});
