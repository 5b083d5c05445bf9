import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Admin, Kafka } from 'kafkajs';
import { expect } from 'chai';
import type { Collector } from '../../../collector/collector.js';
import type { ReceivedEvent } from './harness.js';
import {
  KAFKA_BROKERS,
  OTHER_KEY,
  WRITE_KEY,
  basic,
  collectorConfig,
  countById,
  createTopic,
  kafkaClient,
  readTopic,
  startCollector,
  tempDir,
} from './harness.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (fetch would refuse some of the malformed ones this test sends). */
function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };
const auth = { ...json, authorization: basic(WRITE_KEY) };
const event = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  name: 'quote requested',
  anonymousId: 'visitor-1',
  properties: { quoteRef: 'Q1002' },
  ...overrides,
});
const batchBody = (events: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ batch: events, ...extra });

describe('collector ingestion (real Kafka)', function () {
  this.timeout(90_000);
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  let collector: Collector;
  let port: number;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    kafka = kafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topic = await createTopic(admin);
    spoolDir = await tempDir('qf-collector-ingest-');
    collector = await startCollector(
      KAFKA_BROKERS,
      topic,
      collectorConfig({
        trustedProxies: ['127.0.0.1'],
        spool: { ...collectorConfig().spool, dir: spoolDir.path },
      }),
    );
    port = collector.address.port;
  });

  after(async () => {
    await collector.close();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  describe('when valid events are posted', () => {
    it('should put each on qf.events once, enriched, keyed by visitor, and refuse every bad request exactly', async () => {
      const chrome =
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
      const before = [
        event({ anonymousId: 'visitor-a' }),
        event({ anonymousId: 'visitor-a', name: 'second' }),
      ];
      const noId = event({ anonymousId: 'visitor-b', name: 'no id given' });
      delete (noId as { id?: string }).id;
      const first = await send(port, {
        path: '/v1/batch',
        headers: { ...auth, 'user-agent': chrome, 'x-forwarded-for': '203.0.113.7, 127.0.0.1' },
        body: batchBody([...before, noId], { sentAt: '2026-11-22T01:00:00Z' }),
      });
      expect(first.status, first.body).to.equal(200);
      expect(JSON.parse(first.body)).to.deep.equal({ accepted: 3 });

      const bad = await runBadRequestTable(port);
      expect(bad.filter((c) => c.got !== c.want)).to.deep.equal([]);
      // One bad event does not cost its neighbour: the good one is accepted, the answer names the bad one.
      const mixed = bad.find((c) => c.name === 'one good, one bad')!;
      expect(JSON.parse(mixed.body)).to.deep.equal({
        accepted: 1,
        rejected: 1,
        issues: [{ index: 1, field: 'name', message: 'must have at least 1 characters' }],
      });
      const invalidOnly = bad.find((c) => c.name === 'name is a number')!;
      expect(JSON.parse(invalidOnly.body)).to.deep.equal({
        error: {
          code: 'invalid_events',
          message: 'some events are invalid; none was accepted',
          issues: [{ index: 0, field: 'name', message: 'must be string, not a number' }],
        },
      });
      for (const c of bad) {
        expect(c.body, c.name).not.to.match(/\n\s+at /);
        if (c.want !== 431 && c.want !== 200) {
          expect(JSON.parse(c.body), c.name).to.have.nested.property('error.code');
        }
      }

      const trackId = randomUUID();
      const track = await send(port, {
        path: '/v1/track',
        headers: { ...json, 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
        body: JSON.stringify({
          ...event({ id: trackId, userId: 'u-9', anonymousId: null }),
          writeKey: OTHER_KEY,
        }),
      });
      expect(track.status, track.body).to.equal(200);
      const pixel = await send(port, {
        method: 'GET',
        path: `/v1/pixel.gif?writeKey=${WRITE_KEY}&aid=visitor-c&url=https%3A%2F%2Fexample.com%2Fa&utm_source=mail&p.plan=gold`,
        headers: { 'x-forwarded-for': '198.51.100.1' },
      });
      expect(pixel.status).to.equal(200);
      expect(pixel.headers['content-type']).to.equal('image/gif');
      expect(pixel.headers['cache-control']).to.include('no-store');

      const received = await readTopic(kafka, topic, (r) => r.length >= 6);
      const counts = countById(received);
      expect([...counts.values()]).to.deep.equal([1, 1, 1, 1, 1, 1]);
      expect(received.map((r) => r.event.id)).to.include(goodNeighbour);
      const byName = (name: string): ReceivedEvent => received.find((r) => r.event.name === name)!;

      const a = received.find((r) => r.event.id === before[0]!.id)!;
      expect(a.event.name).to.equal('quote requested');
      expect(a.key).to.equal('visitor-a');
      expect(byName('second').partition).to.equal(a.partition);
      expect(a.event).to.deep.include({
        kind: 'event',
        type: 'track',
        project: 'website',
        anonymousId: 'visitor-a',
        sentAt: '2026-11-22T01:00:00Z',
        properties: { quoteRef: 'Q1002' },
      });
      expect(Date.now() - Date.parse(a.event.receivedAt)).to.be.within(0, 60_000);
      expect(a.event.context).to.deep.include({ ip: '203.0.113.7', userAgent: chrome });
      expect(a.event.context.agent).to.deep.equal({
        browser: 'Chrome',
        browserVersion: '126.0.0.0',
        os: 'Android',
        osVersion: '14',
        deviceType: 'mobile',
        bot: false,
      });
      expect(byName('no id given').event.id).to.match(/^[0-9a-f-]{36}$/);

      const t = received.find((r) => r.event.id === trackId)!;
      expect(t.event).to.deep.include({ project: 'app', userId: 'u-9', anonymousId: null });
      expect(t.key).to.equal('u-9');
      expect(t.event.context.agent?.bot).to.equal(true);

      const view = byName('pageview');
      expect(view.event).to.deep.include({ type: 'view', project: 'website', properties: { plan: 'gold' } });
      expect(view.event.context).to.deep.include({
        page: 'https://example.com/a',
        campaign: { source: 'mail' },
        // The peer is a trusted proxy and the header names the client.
        ip: '198.51.100.1',
      });
    });
  });

  /** The good event of the table's mixed batch: it must arrive. */
  const goodNeighbour = randomUUID();

  /** Every bad request, its expected status and what it got. */
  async function runBadRequestTable(p: number) {
    const big = 'x'.repeat(600 * 1024);
    const cases: { name: string; want: number; req: Parameters<typeof send>[1] }[] = [
      { name: 'malformed JSON', want: 400, req: { path: '/v1/batch', headers: auth, body: '{"batch": [' } },
      { name: 'empty body', want: 400, req: { path: '/v1/batch', headers: auth, body: '' } },
      { name: 'body is a list', want: 400, req: { path: '/v1/batch', headers: auth, body: '[]' } },
      {
        name: 'batch is not a list',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: '{"batch":{}}' },
      },
      {
        name: 'event is a string',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody(['x']) },
      },
      {
        name: 'name is a number',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ name: 7 })]) },
      },
      {
        name: 'id not a uuid',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ id: '42' })]) },
      },
      {
        name: 'no name',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ name: undefined })]) },
      },
      {
        name: 'properties a string',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ properties: 'x' })]) },
      },
      {
        name: 'sentAt not a date',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ sentAt: 'yesterday' })]) },
      },
      {
        name: 'client sends a postback',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ type: 'postback' })]) },
      },
      {
        name: 'no visitor id',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ anonymousId: undefined })]) },
      },
      {
        name: 'context not an object',
        want: 400,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ context: 5 })]) },
      },
      {
        name: 'one good, one bad',
        want: 200,
        req: {
          path: '/v1/batch',
          headers: auth,
          body: batchBody([event({ id: goodNeighbour }), event({ name: '' })]),
        },
      },
      {
        name: '501 events',
        want: 413,
        req: {
          path: '/v1/batch',
          headers: auth,
          body: batchBody(Array.from({ length: 501 }, () => event())),
        },
      },
      {
        name: 'body over 500 KB',
        want: 413,
        req: { path: '/v1/batch', headers: auth, body: batchBody([event({ properties: { big } })]) },
      },
      {
        name: 'gzip bomb',
        want: 413,
        req: {
          path: '/v1/batch',
          headers: { ...auth, 'content-encoding': 'gzip' },
          body: gzipSync(batchBody([event({ properties: { big } })])),
        },
      },
      {
        name: 'broken gzip',
        want: 400,
        req: { path: '/v1/batch', headers: { ...auth, 'content-encoding': 'gzip' }, body: 'not gzip at all' },
      },
      {
        name: 'no write key',
        want: 401,
        req: { path: '/v1/batch', headers: json, body: batchBody([event()]) },
      },
      {
        name: 'unknown Basic key',
        want: 401,
        req: {
          path: '/v1/batch',
          headers: { ...json, authorization: basic('nope-nope-nope') },
          body: batchBody([event()]),
        },
      },
      {
        name: 'unknown writeKey field',
        want: 401,
        req: { path: '/v1/batch', headers: json, body: batchBody([event()], { writeKey: 'nope-nope' }) },
      },
      {
        name: 'writeKey a number',
        want: 401,
        req: { path: '/v1/track', headers: json, body: JSON.stringify({ ...event(), writeKey: 12345678 }) },
      },
      {
        name: 'Bearer instead of Basic',
        want: 401,
        req: {
          path: '/v1/batch',
          headers: { ...json, authorization: `Bearer ${WRITE_KEY}` },
          body: batchBody([event()]),
        },
      },
      // Tracking calls are JSON whatever the Content-Type says (SDKs label it three ways).
      {
        name: 'XML body',
        want: 400,
        req: { path: '/v1/batch', headers: { ...auth, 'content-type': 'application/xml' }, body: '<batch/>' },
      },
      {
        name: 'brotli encoding',
        want: 415,
        req: {
          path: '/v1/batch',
          headers: { ...auth, 'content-encoding': 'br' },
          body: batchBody([event()]),
        },
      },
      { name: 'GET on batch', want: 405, req: { method: 'GET', path: '/v1/batch' } },
      { name: 'DELETE on track', want: 405, req: { method: 'DELETE', path: '/v1/track', headers: auth } },
      { name: 'unknown path', want: 404, req: { path: '/v1/nothing', headers: auth, body: '{}' } },
      { name: 'path traversal', want: 404, req: { method: 'GET', path: '/v1/../../etc/passwd' } },
      { name: 'pixel without key', want: 401, req: { method: 'GET', path: '/v1/pixel.gif?aid=x' } },
      {
        name: 'pixel with a bad id',
        want: 400,
        req: { method: 'GET', path: `/v1/pixel.gif?writeKey=${WRITE_KEY}&id=nope` },
      },
      {
        name: 'huge header',
        want: 431,
        req: { method: 'GET', path: '/healthz', headers: { 'x-junk': 'y'.repeat(40_000) } },
      },
    ];
    const results: { name: string; want: number; got: number; body: string }[] = [];
    for (const c of cases) {
      const reply = await send(p, c.req);
      results.push({ name: c.name, want: c.want, got: reply.status, body: reply.body });
    }
    expect(results).to.have.length.at.least(20);
    return results;
  }
});
