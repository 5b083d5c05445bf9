import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { build } from 'esbuild';
import type { Admin, Kafka } from 'kafkajs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Collector } from '../../collector/collector.js';
import {
  KAFKA_BROKERS,
  WRITE_KEY,
  collectorConfig,
  createTopic,
  kafkaClient,
  readTopic,
  startCollector,
  tempDir,
} from '../integration/collector/harness.js';
import { repoRoot } from '../support/services.js';

/**
 * Segment's browser SDK (analytics.js 2.0, `@segment/analytics-next` from the npm registry, bundled
 * here with esbuild) on a page of another origin in Debian's Chromium, pointed at the collector
 * with `apiHost`: every call type it makes arrives in Kafka once, with analytics.js's context. And
 * a beacon whose batch holds a call the collector refuses: the page cannot see it, the pipeline can.
 */
describe('analytics.js in a real browser against the collector (Chromium, real Kafka)', function () {
  this.timeout(180_000);
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  let dlqTopic: string;
  let collector: Collector;
  let site: Server;
  let browser: Browser;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    kafka = kafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topic = await createTopic(admin);
    dlqTopic = await createTopic(admin, 1);
    spoolDir = await tempDir('qf-collector-browser-');
    collector = await startCollector(
      KAFKA_BROKERS,
      topic,
      collectorConfig({ spool: { ...collectorConfig().spool, dir: spoolDir.path } }),
      { dlqTopic },
    );
    const bundle = await build({
      stdin: {
        contents:
          "import { AnalyticsBrowser } from '@segment/analytics-next'; window.AnalyticsBrowser = AnalyticsBrowser;",
        resolveDir: repoRoot,
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    // The site: another origin than the collector, as a website is.
    site = createServer((req, res) => {
      if (req.url === '/analytics.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Search</title><script src="/analytics.js"></script><h1>Rentals</h1>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser.close();
    await new Promise((resolve) => site.close(resolve));
    await collector.close();
    await admin.deleteTopics({ topics: [topic, dlqTopic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  it('should deliver identify, track, page, screen, group and alias once each with their messageIds', async () => {
    const page = await (await browser.newContext()).newPage();
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/search?q=BGY`;
    await page.goto(siteUrl);
    const apiHost = `127.0.0.1:${collector.address.port}/v1`;
    const sent = await page.evaluate(
      async ({ writeKey, host }) => {
        type Delivered = { event: { messageId?: string; type?: string } };
        type Client = Record<string, (...args: unknown[]) => Promise<Delivered>>;
        const browserSdk = (
          globalThis as unknown as { AnalyticsBrowser: { load: (...args: unknown[]) => Client } }
        ).AnalyticsBrowser;
        const analytics = browserSdk.load(
          {
            writeKey,
            cdnSettings: {
              integrations: { 'Segment.io': { apiKey: writeKey, apiHost: host, protocol: 'http' } },
            },
          },
          { disableClientPersistence: true },
        );
        const calls: Promise<Delivered>[] = [
          analytics.identify!('user-42', { email: 'Mario.Rossi@gmail.com', phone: '347 1234567' }),
          analytics.track!('Quote Requested', { quoteRef: 'Q1002' }),
          analytics.page!('Rentals', 'Search'),
          analytics.screen!('Rentals', 'Checkout'),
          analytics.group!('acme', { name: 'ACME' }),
          analytics.alias!('user-43', 'user-42'),
        ];
        const delivered = await Promise.all(calls);
        return delivered.map((ctx) => ({ messageId: ctx.event.messageId ?? '', type: ctx.event.type ?? '' }));
      },
      { writeKey: WRITE_KEY, host: apiHost },
    );
    expect(sent.map((s) => s.type)).to.deep.equal(['identify', 'track', 'page', 'screen', 'group', 'alias']);

    const received = await readTopic(kafka, topic, (all) => all.length >= 6);
    expect(received.map((m) => m.event.messageId).sort()).to.deep.equal(sent.map((s) => s.messageId).sort());
    const byType = new Map(received.map((m) => [m.event.type, m.event]));
    const track = byType.get('track');
    expect(track).to.deep.include({
      name: 'Quote Requested',
      userId: 'user-42',
      properties: { quoteRef: 'Q1002' },
    });
    expect(track?.anonymousId).to.be.a('string').and.not.equal('');
    expect(track?.context).to.deep.include({ page: siteUrl });
    expect(track?.context).to.have.nested.property('library.name', 'analytics.js');
    expect(track?.context.agent?.browser).to.match(/^Chrome/);
    expect(byType.get('identify')?.traits).to.deep.include({ email: 'Mario.Rossi@gmail.com' });
    expect(byType.get('page')).to.deep.include({ name: 'Search' });
    expect(byType.get('page')?.properties).to.deep.include({ category: 'Rentals', url: siteUrl });
    expect(byType.get('group')).to.deep.include({ groupId: 'acme' });
    // (analytics.js itself sends the signed-in user's id as the alias's userId; the collector keeps what it sent.)
    expect(byType.get('alias')).to.deep.include({ previousId: 'user-42' });
    expect(byType.get('page')?.context).to.have.nested.property('pageInfo.search', '?q=BGY');
  });

  it("should make a beacon's refused call visible (the page only ever sees true)", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    const before = collector.spoolStats().rejectedEvents;
    const queued = await page.evaluate(
      ({ url, writeKey }) =>
        (navigator as unknown as { sendBeacon(url: string, body: string): boolean }).sendBeacon(
          url,
          JSON.stringify({
            writeKey,
            batch: [
              { type: 'track', event: 'Search', anonymousId: 'beacon-1', messageId: 'beacon-good' },
              { type: 'track', event: 'Search', messageId: 'beacon-no-visitor' },
            ],
          }),
        ),
      { url: `http://127.0.0.1:${collector.address.port}/v1/batch`, writeKey: WRITE_KEY },
    );
    expect(queued).to.equal(true);
    const letters = await readTopic(kafka, dlqTopic, (all) => all.length >= 1);
    expect(letters.map((m) => m.event as unknown as Record<string, unknown>)).to.have.deep.members([
      {
        reason: 'anonymousId: anonymousId or userId is required',
        source: 'collector',
        project: 'website',
        route: 'batch',
        index: 1,
        receivedAt: (letters[0]?.event as unknown as { receivedAt: string }).receivedAt,
        truncated: false,
        value: JSON.stringify({ type: 'track', event: 'Search', messageId: 'beacon-no-visitor' }),
      },
    ]);
    expect(collector.spoolStats().rejectedEvents).to.equal(before + 1);
    const received = await readTopic(kafka, topic, (all) =>
      all.some((m) => m.event.messageId === 'beacon-good'),
    );
    expect(
      received.filter((m) => m.event.anonymousId === 'beacon-1').map((m) => m.event.messageId),
    ).to.deep.equal(['beacon-good']);
  });
});
