import { expect } from 'chai';
import { encodeEvents, pathPastDepth } from '../../../collector/events/encode-events.js';
import type { CanonicalEvent } from '../../../lib/records/canonical.js';

const event = (properties: Record<string, unknown>): CanonicalEvent => ({
  kind: 'event',
  id: 'e1',
  type: 'track',
  name: 'n',
  receivedAt: '2026-11-27T00:00:00.000Z',
  sentAt: null,
  project: 'website',
  anonymousId: 'v1',
  userId: null,
  properties,
  context: { page: null, referrer: null, campaign: {}, ip: null, userAgent: null },
});

/** `{ a: { a: … 1 } }`, `depth` objects deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe('encodeEvents', () => {
  const limits = { maxDepth: 8, eventBytes: 2048 };

  describe('when every event is within the limits', () => {
    it('should return the Kafka messages, keyed by visitor', () => {
      const result = encodeEvents([event({ deep: nested(6) })], limits);
      expect(result.ok).to.equal(true);
      if (!result.ok) return;
      expect(result.records.map((r) => [r.key, JSON.parse(r.value.toString()) as unknown])).to.deep.equal([
        ['v1', event({ deep: nested(6) })],
      ]);
    });
  });

  describe('when an event is nested deeper than maxDepth', () => {
    it('should answer 400 naming the event and the path, even 100,000 levels deep', () => {
      const result = encodeEvents([event({}), event({ deep: nested(100_000) })], limits);
      expect(result).to.deep.equal({
        ok: false,
        status: 400,
        issues: [{ index: 1, field: 'properties.deep.a.a.a.a.a.a', message: 'nested deeper than 8 levels' }],
      });
    });
  });

  describe('when an event grows past eventBytes once encoded', () => {
    it('should answer 413 naming the field that makes the size (U+FFFD counts 3 bytes)', () => {
      // 700 replacement characters: 700 characters, 2,100 bytes.
      const result = encodeEvents([event({ small: 'x', blob: '\uFFFD'.repeat(700) })], limits);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.status).to.equal(413);
      expect(result.issues).to.have.length(1);
      expect(result.issues[0]).to.include({ index: 0, field: 'properties.blob' });
    });
  });
});

describe('pathPastDepth', () => {
  it('should count the root as level 1 and look into arrays', () => {
    expect(pathPastDepth({ a: [{ b: 1 }] }, 3)).to.equal(null);
    expect(pathPastDepth({ a: [{ b: [] }] }, 3)).to.equal('a.0.b');
    expect(pathPastDepth('text', 1)).to.equal(null);
  });
});
