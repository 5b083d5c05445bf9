import type { Admin, Kafka } from 'kafkajs';
import { expect } from 'chai';
import r from 'rethinkdb';
import type { Collector } from '../../../collector/collector.js';
import { LinkCache } from '../../../collector/links/link-cache.js';
import { LinkStore } from '../../../collector/links/link-store.js';
import { transactionUuid } from '../../../collector/routes/postback.js';
import { migrate } from '../../../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../../../lib/rethinkdb/rethinkdb-client.js';
import { parseRethinkdbUrl } from '../../../lib/rethinkdb/rethinkdb-url.js';
import { TABLES } from '../../../lib/rethinkdb/tables.js';
import { services, uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';
import {
  KAFKA_BROKERS,
  collectorConfig,
  countById,
  createTopic,
  kafkaClient,
  readTopic,
  startCollector,
  tempDir,
} from './harness.js';

const TOKEN = 'admin-token-0123456789';
const SECRET = 'partner-secret-0123456789';

describe('collector click redirects and postbacks (real Kafka and ReQL server)', function () {
  this.timeout(90_000);
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  let client: RethinkdbClient;
  let cache: LinkCache;
  let collector: Collector;
  let base: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;
  const db = uniqueName('qf_test_links');

  before(async () => {
    kafka = kafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topic = await createTopic(admin);
    client = new RethinkdbClient({
      address: { ...parseRethinkdbUrl(services.rethinkdbUrl), db },
      logger: silentLogger,
      connectTimeoutMs: 2000,
      reconnectInitialDelayMs: 20,
      reconnectMaxDelayMs: 200,
      maxWaitMs: 10_000,
    });
    await migrate(
      client,
      TABLES.filter((table) => table.name === 'links'),
      silentLogger,
    );
    await client.run(
      r.db(db).table('links').insert({
        code: 'existing',
        target: 'https://example.com/old',
        project: 'website',
        campaign: {},
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      }),
    );
    cache = new LinkCache({ client, logger: silentLogger });
    cache.start();
    spoolDir = await tempDir('qf-collector-links-');
    collector = await startCollector(
      KAFKA_BROKERS,
      topic,
      collectorConfig({
        adminTokens: [TOKEN],
        partners: [{ name: 'rentalcars', project: 'website', secret: SECRET }],
        spool: { ...collectorConfig().spool, dir: spoolDir.path },
      }),
      { links: { cache, store: new LinkStore(client) } },
    );
    base = `http://127.0.0.1:${collector.address.port}`;
    await waitFor('the link cache', () => cache.ready);
  });

  after(async () => {
    await collector.close();
    await client.run(r.dbDrop(db));
    await client.close();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  const api = (path: string, init: RequestInit = {}, token = TOKEN) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
  const follow = (path: string) => fetch(`${base}${path}`, { redirect: 'manual' });

  describe('when links are managed through the API', () => {
    it('should redirect from the cache, follow changes through the changefeed, and record each click', async () => {
      const old = await follow('/r/existing');
      expect(old.status, await old.text()).to.equal(302);
      expect(old.headers.get('location')).to.equal('https://example.com/old');

      expect(
        (await api('/v1/links', { method: 'POST', body: '{}' }, 'wrong-token-000000000')).status,
      ).to.equal(401);
      expect((await fetch(`${base}/v1/links`)).status).to.equal(401);
      const invalid = await api('/v1/links', {
        method: 'POST',
        body: JSON.stringify({ code: 'bad code!', target: 'javascript:alert(1)', project: 'nope' }),
      });
      expect(invalid.status).to.equal(400);
      expect(
        ((await invalid.json()) as { error: { issues: { field: string }[] } }).error.issues.map(
          (i) => i.field,
        ),
      ).to.include('target');

      const created = await api('/v1/links', {
        method: 'POST',
        body: JSON.stringify({
          code: 'summer',
          target: 'https://example.com/summer?x=1',
          project: 'website',
          campaign: { source: 'newsletter', name: 'summer-2026' },
        }),
      });
      expect(created.status).to.equal(201);
      expect(
        (
          await api('/v1/links', {
            method: 'POST',
            body: JSON.stringify({ code: 'summer', target: 'https://a.b', project: 'website' }),
          })
        ).status,
      ).to.equal(409);

      await waitFor('the new link', async () => (await follow('/r/summer')).status === 302);
      const redirect = await follow('/r/summer?aid=visitor-7');
      expect(redirect.headers.get('location')).to.equal('https://example.com/summer?x=1');
      expect(redirect.headers.get('cache-control')).to.equal('no-store');

      const replaced = await api('/v1/links/summer', {
        method: 'PUT',
        body: JSON.stringify({ target: 'https://example.com/autumn', project: 'website' }),
      });
      expect(replaced.status).to.equal(200);
      await waitFor(
        'the replaced target',
        async () => (await follow('/r/summer')).headers.get('location') === 'https://example.com/autumn',
      );

      expect((await api('/v1/links/summer', { method: 'DELETE' })).status).to.equal(204);
      await waitFor('the deleted link', async () => (await follow('/r/summer')).status === 404);
      expect((await api('/v1/links/summer')).status).to.equal(404);
      expect((await follow('/r/never-made')).status).to.equal(404);
      expect((await follow('/r/%E0%A4%A')).status).to.equal(404);

      const clicks = (
        await readTopic(kafka, topic, (rs) => rs.filter((m) => m.event.type === 'click').length >= 4)
      ).filter((m) => m.event.type === 'click');
      const summer = clicks.find((m) => m.event.anonymousId === 'visitor-7')!;
      expect(summer.event).to.deep.include({
        type: 'click',
        name: 'click',
        project: 'website',
        properties: { code: 'summer', target: 'https://example.com/summer?x=1' },
      });
      expect(summer.event.context.campaign).to.deep.equal({ source: 'newsletter', name: 'summer-2026' });
      expect(summer.key).to.equal('visitor-7');
    });
  });

  describe('when partners post conversions', () => {
    it('should accept a partner with its secret, refuse others, and keep one id per transaction', async () => {
      const get = await fetch(
        `${base}/v1/postback?partner=rentalcars&secret=${SECRET}&event=booking&transactionId=T-1&amount=120.5&quoteRef=Q1002`,
      );
      expect(get.status).to.equal(200);
      const post = await fetch(`${base}/v1/postback`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-quoteflow-secret': SECRET },
        body: 'partner=rentalcars&event=booking&transactionId=T-1&amount=120.5&quoteRef=Q1002',
      });
      expect(post.status).to.equal(200);
      const json = await fetch(`${base}/v1/postback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ partner: 'rentalcars', secret: SECRET, transactionId: 'T-2', amount: 99 }),
      });
      expect(json.status).to.equal(200);

      const refused = await Promise.all([
        fetch(`${base}/v1/postback?partner=rentalcars&secret=wrong-secret-000000000`),
        fetch(`${base}/v1/postback?partner=someone&secret=${SECRET}`),
        fetch(`${base}/v1/postback?partner=rentalcars`),
        fetch(`${base}/v1/postback`, { method: 'PUT' }),
        fetch(`${base}/v1/postback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ partner: 'rentalcars', secret: SECRET, nested: { a: 1 } }),
        }),
      ]);
      expect(refused.map((response) => response.status)).to.deep.equal([401, 401, 401, 405, 400]);

      const postbacks = (
        await readTopic(kafka, topic, (rs) => rs.filter((m) => m.event.type === 'postback').length >= 3)
      ).filter((m) => m.event.type === 'postback');
      expect(postbacks).to.have.length(3);
      const counts = countById(postbacks);
      expect(counts.get(transactionUuid('rentalcars', 'T-1'))).to.equal(2);
      const t2 = postbacks.find((m) => m.event.properties.transactionId === 'T-2')!;
      expect(t2.event).to.deep.include({
        type: 'postback',
        name: 'conversion',
        project: 'website',
        properties: { partner: 'rentalcars', transactionId: 'T-2', amount: '99' },
      });
      expect(JSON.stringify(postbacks)).not.to.include(SECRET);
    });
  });
});
