import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import r from 'rethinkdb';
import type { Collector } from '../../../collector/collector.js';
import type { CanonicalEvent } from '../../../lib/records/canonical.js';
import type { IdentityLink } from '../../../processor/core/identity.js';
import { ProcessorHarness } from '../../support/processor-harness.js';
import { quote } from '../../support/trip-records.js';
import type { ReceivedEvent } from './harness.js';
import {
  KAFKA_BROKERS,
  WRITE_KEY,
  collectorConfig,
  kafkaClient,
  readTopic,
  startCollector,
  tempDir,
} from './harness.js';

/** Every call type of the Segment spec, as an application would make them (`n` of each kind but alias). */
function segmentCalls(analytics: Analytics, prefix: string, n: number): void {
  const past = new Date(Date.now() - 60_000);
  for (let i = 0; i < n * 10; i++) {
    analytics.track({
      anonymousId: `${prefix}-anon-${i % n}`,
      event: 'Quote Requested',
      properties: { quoteRef: `Q-${prefix}-${i}` },
      timestamp: past,
    });
  }
  for (let i = 0; i < n; i++) {
    analytics.identify({
      anonymousId: `${prefix}-anon-${i}`,
      userId: `${prefix}-user-${i}`,
      traits: { email: `Mario.Rossi+${i}@GoogleMail.com`, phone: `0039 347 123 45${i % 10}`, plan: 'gold' },
    });
    analytics.page({
      anonymousId: `${prefix}-anon-${i}`,
      category: 'Rentals',
      name: 'Search',
      properties: { url: 'https://rent.example/search', title: 'Search' },
    });
    analytics.screen({ userId: `${prefix}-user-${i}`, name: 'Booking' });
    analytics.group({
      userId: `${prefix}-user-${i}`,
      groupId: `${prefix}-company`,
      traits: { name: 'ACME' },
    });
  }
  analytics.alias({ previousId: `${prefix}-anon-0`, userId: `${prefix}-user-0` });
}

/** How many events of each call type, in the order track, identify, page, screen, group, alias. */
function countByCallType(events: readonly CanonicalEvent[]): number[] {
  return ['track', 'identify', 'page', 'screen', 'group', 'alias'].map(
    (type) => events.filter((event) => event.type === type).length,
  );
}

interface SentBatch {
  body: string;
  headers: Record<string, string>;
}

describe('tracking SDKs against the collector (real Kafka, processor and ReQL server)', function () {
  this.timeout(240_000);
  const harness = new ProcessorHarness();
  let kafka: Kafka;
  let collector: Collector;
  let processor: ChildProcess;
  let url: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    await harness.setUp();
    kafka = kafkaClient();
    spoolDir = await tempDir('qf-collector-sdks-');
    collector = await startCollector(
      KAFKA_BROKERS,
      harness.topics.events.name,
      collectorConfig({ spool: { ...collectorConfig().spool, dir: spoolDir.path } }),
      { dlqTopic: harness.topics.dlq.name },
    );
    url = `http://127.0.0.1:${collector.address.port}`;
    processor = harness.startProcessor();
  });

  after(async () => {
    await harness.stop(processor, 'SIGTERM');
    await collector.close();
    await harness.tearDown();
    await spoolDir.remove();
  });

  const eventsOf = (received: readonly ReceivedEvent[], prefix: string): CanonicalEvent[] =>
    received
      .map((m) => m.event)
      .filter((e) => `${e.anonymousId ?? ''}|${e.userId ?? ''}|${e.previousId ?? ''}`.includes(`${prefix}-`));

  const table = async <T>(name: string, index: string, value: string): Promise<T[]> =>
    harness.client.run(
      r.db(harness.client.db).table(name).getAll(value, { index }).coerceTo('array'),
    ) as Promise<T[]>;

  const storedIdentities = async (ids: readonly string[]): Promise<unknown[]> =>
    harness.client.run(
      r
        .db(harness.client.db)
        .table('identities')
        .getAll(...ids)
        .coerceTo('array'),
    ) as Promise<unknown[]>;

  const storedEvents = async (ids: readonly string[]): Promise<Record<string, unknown>[]> =>
    harness.client.run(
      r
        .db(harness.client.db)
        .table('events')
        .getAll(...ids)
        .coerceTo('array'),
    ) as Promise<Record<string, unknown>[]>;

  describe('when @segment/analytics-node sends a mixed batch of every call type', () => {
    it('should deliver every event once with its messageId, timestamp and context, and a retried batch should change nothing', async () => {
      const sent: SentBatch[] = [];
      const analytics = new Analytics({
        writeKey: WRITE_KEY,
        host: url,
        flushAt: 200,
        flushInterval: 60_000,
      });
      analytics.on('http_request', (request) => {
        sent.push({ body: request.body, headers: request.headers });
      });
      const statuses: number[] = [];
      analytics.on('http_response', (response) => {
        statuses.push(response.status);
      });
      const started = Date.now();
      segmentCalls(analytics, 'sg', 10);
      await analytics.closeAndFlush({ timeout: 30_000 });
      expect(statuses).to.deep.equal([200]);
      const batch = (JSON.parse(sent[0]?.body ?? '{}') as { batch: { messageId: string }[] }).batch;
      expect(batch).to.have.length(141);
      const messageIds = batch.map((call) => call.messageId);
      expect(messageIds[0]).to.match(/^node-next-\d+-/);

      const received = eventsOf(
        await readTopic(kafka, harness.topics.events.name, (all) => eventsOf(all, 'sg').length >= 141),
        'sg',
      );
      expect(received.map((e) => e.messageId).sort()).to.deep.equal([...messageIds].sort());
      expect(new Set(received.map((e) => e.id)).size).to.equal(141);
      expect(countByCallType(received)).to.deep.equal([100, 10, 10, 10, 10, 1]);
      for (const event of received) {
        expect(event.context, event.type).to.have.nested.property('library.name', '@segment/analytics-node');
        expect(event.project).to.equal('website');
        expect(Date.parse(event.timestamp ?? '')).to.be.within(started - 61_000, Date.now());
      }
      const track = received.find((e) => e.type === 'track')!;
      expect(track.name).to.equal('Quote Requested');
      // The SDK said the event happened a minute before it was sent: so it did, on the server's clock.
      expect(Date.parse(track.receivedAt) - Date.parse(track.timestamp ?? '')).to.be.within(58_000, 62_000);
      const identify = received.find((e) => e.type === 'identify' && e.userId === 'sg-user-3')!;
      expect(identify.traits).to.deep.include({ email: 'Mario.Rossi+3@GoogleMail.com', plan: 'gold' });
      const page = received.find((e) => e.type === 'page')!;
      expect(page).to.deep.include({ name: 'Search' });
      expect(page.properties).to.deep.include({ category: 'Rentals', title: 'Search' });
      const group = received.find((e) => e.type === 'group')!;
      expect(group).to.deep.include({ groupId: 'sg-company', traits: { name: 'ACME' } });
      const alias = received.find((e) => e.type === 'alias')!;
      expect(alias).to.deep.include({ previousId: 'sg-anon-0', userId: 'sg-user-0', name: 'alias' });

      // The SDK retries a batch whose answer it did not get: the same body again.
      const retry = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: sent[0]!.headers,
        body: sent[0]!.body,
      });
      expect(retry.status).to.equal(200);
      const ids = received.map((e) => e.id);
      const copies = eventsOf(
        await readTopic(kafka, harness.topics.events.name, (all) => eventsOf(all, 'sg').length >= 282),
        'sg',
      );
      // Kafka holds both copies, under the same ids: the processor stores each event once.
      expect(copies).to.have.length(282);
      expect(new Set(copies.map((e) => e.id))).to.deep.equal(new Set(ids));
      await harness.waitUntilCaughtUp(120_000);
      const stored = await storedEvents(ids);
      expect(stored).to.have.length(141);
      expect(new Set(stored.map((doc) => doc.messageId))).to.deep.equal(new Set(messageIds));

      // identify and alias link the visitors to users and to the customer's normalised email and phone.
      const links = await table<IdentityLink>('identities', 'userId', 'sg-user-0');
      expect(links.map((l) => [l.via, l.anonymousId, l.email, l.phone]).sort()).to.deep.equal([
        ['alias', 'sg-anon-0', null, null],
        ['identify', 'sg-anon-0', 'mariorossi@gmail.com', '+39347123450'],
      ]);
      const identified = await table<IdentityLink>('identities', 'email', 'mariorossi@gmail.com');
      expect(identified).to.have.length(10);
      expect((await storedIdentities(ids)).length).to.equal(11);

      // …and so to the quotes and bookings of the same customer, whatever way the broker wrote the email.
      await harness.produceTrips(
        [quote('sdk-1', { customer: { email: 'MARIO.ROSSI@gmail.com', phone: null, name: null } })],
        new Map(),
      );
      await harness.waitUntilCaughtUp(60_000);
      const quotes = await table<{ id: string }>('quotes', 'customerEmail', identified[0]?.email ?? '');
      expect(quotes.map((q) => q.id)).to.deep.equal(['rentalcars:sdk-1']);

      // quoteflow check recomputes every link from the stored events: none differs; a tampered one does.
      const clean = await harness.check();
      expect(clean.differences).to.deep.equal([]);
      expect(clean.records.identities).to.equal(11);
      const tampered = identified[0]!;
      const identities = r.db(harness.client.db).table('identities');
      await harness.client.run(identities.get(tampered.id).update({ email: 'someone@else.it' }));
      await harness.client.run(identities.insert({ ...tampered, id: 'no-such-event' }));
      expect((await harness.check()).differences).to.deep.equal([
        `identity ${tampered.id} email: stored value differs from the recomputed one`,
        'identities: 12 stored, 11 recomputed from the stored events',
      ]);
      await harness.client.run(identities.get('no-such-event').delete());
      await harness.client.run(identities.get(tampered.id).update({ email: tampered.email }));
    });
  });

  describe('when @rudderstack/rudder-sdk-node sends with its defaults (gzip, form content type)', () => {
    it('should deliver every event of every call type once', async () => {
      const client = new RudderAnalytics(WRITE_KEY, { dataPlaneUrl: url, logLevel: 'error' });
      const failures: unknown[] = [];
      const done = (error?: unknown) => {
        if (error) failures.push(error);
      };
      for (let i = 0; i < 30; i++) {
        client.track(
          { anonymousId: `rs-anon-${i % 5}`, event: 'Search', properties: { station: 'BGY' } },
          done,
        );
      }
      for (let i = 0; i < 5; i++) {
        client.identify(
          { anonymousId: `rs-anon-${i}`, userId: `rs-user-${i}`, traits: { email: `r${i}@x.it` } },
          done,
        );
        client.page(
          { anonymousId: `rs-anon-${i}`, name: 'Home', properties: { url: 'https://rent.example/' } },
          done,
        );
        client.screen({ userId: `rs-user-${i}`, name: 'Checkout' }, done);
        client.group({ userId: `rs-user-${i}`, groupId: 'rs-company', traits: { size: 5 } }, done);
        client.alias({ previousId: `rs-anon-${i}`, userId: `rs-user-${i}` }, done);
      }
      await client.flush();
      const received = eventsOf(
        await readTopic(kafka, harness.topics.events.name, (all) => eventsOf(all, 'rs').length >= 55),
        'rs',
      );
      expect(failures).to.deep.equal([]);
      expect(received).to.have.length(55);
      expect(new Set(received.map((e) => e.messageId)).size).to.equal(55);
      expect(countByCallType(received)).to.deep.equal([30, 5, 5, 5, 5, 5]);
      for (const event of received) {
        expect(event.channel).to.equal('server');
        expect(event.originalTimestamp, event.type).to.be.a('string');
        expect(event.context).to.have.nested.property('library.name', 'analytics-node');
      }
      expect(received.find((e) => e.type === 'identify')?.traits).to.have.property('email');
    });
  });

  describe('when a beacon batch holds an invalid event among valid ones', () => {
    it('should accept the valid ones and put the invalid one in qf.dlq with its reason, counted for the pipeline view', async () => {
      const before = collector.spoolStats().rejectedEvents;
      const page = {
        path: '/search',
        referrer: 'https://www.google.com/',
        title: 'Search',
        url: 'https://rent.example/search?q=BGY',
      };
      const body = JSON.stringify({
        writeKey: WRITE_KEY,
        sentAt: new Date().toISOString(),
        batch: [
          {
            type: 'page',
            anonymousId: 'bc-anon-1',
            messageId: 'ajs-next-1',
            properties: page,
            context: { page },
          },
          { type: 'bogus', anonymousId: 'bc-anon-1', messageId: 'ajs-next-2' },
          {
            type: 'track',
            anonymousId: 'bc-anon-1',
            event: 'Quote Requested',
            messageId: 'ajs-next-3',
            context: { page },
          },
        ],
      });
      // What navigator.sendBeacon sends: text/plain, the write key in the body.
      const reply = await fetch(`${url}/v1/b`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body,
      });
      expect(reply.status).to.equal(200);
      expect(await reply.json()).to.deep.equal({
        accepted: 2,
        rejected: 1,
        issues: [
          {
            index: 1,
            field: 'type',
            message: 'must be one of: "track", "page", "screen", "identify", "group", "alias", "view"',
          },
        ],
      });
      expect(collector.spoolStats().rejectedEvents).to.equal(before + 1);
      const received = eventsOf(
        await readTopic(kafka, harness.topics.events.name, (all) => eventsOf(all, 'bc').length >= 2),
        'bc',
      );
      expect(received.map((e) => e.messageId).sort()).to.deep.equal(['ajs-next-1', 'ajs-next-3']);
      for (const event of received) {
        expect(event.context).to.deep.include({ page: page.url, referrer: page.referrer, pageInfo: page });
      }
      const letters = await readTopic(kafka, harness.topics.dlq.name, (all) => all.length >= 1);
      const entries = letters.map((m) => m.event as unknown as Record<string, unknown>);
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({
        reason: 'type: must be one of: "track", "page", "screen", "identify", "group", "alias", "view"',
        source: 'collector',
        project: 'website',
        route: 'batch',
        index: 1,
      });
      expect(JSON.parse(String(entries[0]?.value))).to.deep.include({ messageId: 'ajs-next-2' });
    });
  });
});
