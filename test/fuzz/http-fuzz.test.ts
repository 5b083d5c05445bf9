import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Admin, Kafka } from 'kafkajs';
import type { Collector } from '../../collector/collector.js';
import {
  KAFKA_BROKERS,
  WRITE_KEY,
  basic,
  collectorConfig,
  createTopic,
  kafkaClient,
  readTopic,
  startCollector,
  tempDir,
} from '../integration/collector/harness.js';
import type { HttpSession } from '../support/http-session.js';
import { TestDashboard } from '../support/test-dashboard.js';
import type { HostileRequest } from './hostile-requests.js';
import { collectorRequests, dashboardRequests } from './hostile-requests.js';

/** Requests in all (QF_FUZZ_REQUESTS, default 100,000): three quarters to the collector. */
const TOTAL = Number(process.env.QF_FUZZ_REQUESTS ?? 100_000);
/** The collector's share of the requests (QF_FUZZ_COLLECTOR_SHARE, default 0.75). */
const COLLECTOR_SHARE = Number(process.env.QF_FUZZ_COLLECTOR_SHARE ?? 0.75);
const SEED = Number(process.env.QF_FUZZ_SEED ?? 20261127);
const CONCURRENCY = 16;
/**
 * The collector, the dashboard and the client share one process. What must stay bounded is the
 * live heap: measured after a full GC (the script runs node with --expose-gc) at the end of each
 * phase, against the start. RSS is reported and capped loosely: V8 and the allocator keep freed
 * pages, so RSS shows the peak working set, not what is retained.
 */
const HEAP_GROWTH_LIMIT = 64 * 1024 * 1024;
const RSS_LIMIT = 1536 * 1024 * 1024;

/** Live memory after a full garbage collection: the JS heap plus external (Buffer) memory. */
function liveHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run test:fuzz does)');
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

interface Tally {
  statuses: Map<string, number>;
  /** Requests answered 5xx other than 503, with the first few for the report. */
  serverErrors: { request: string; status: number; body: string }[];
  /** Requests the client could not even send (Node refuses invalid header characters). */
  unsendable: number;
  /** Connections the server cut without an answer (after 400/431 it may close before reading all). */
  resets: number;
  peakRss: number;
}

function describeRequest(req: HostileRequest): string {
  return `${req.method} ${req.path.slice(0, 120)} (${req.body?.length ?? 0} bytes)`;
}

function send(
  port: number,
  agent: Agent,
  req: HostileRequest,
  cookie?: string,
): Promise<{ status: number; body: string } | 'reset'> {
  return new Promise((resolve, reject) => {
    let outgoing;
    try {
      outgoing = request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.path,
          agent,
          headers: { ...req.headers, ...(cookie ? { cookie } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            // Keep the start only: exports can be long.
            if (size < 4096) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8', 0, 500) });
          });
          res.on('error', () => {
            resolve('reset');
          });
        },
      );
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    outgoing.on('error', () => {
      resolve('reset');
    });
    outgoing.end(req.body);
  });
}

/** Sends `count` requests drawn from `arbitrary` (in chunks, 16 at a time) and tallies the answers. */
async function fuzz(
  arbitrary: fc.Arbitrary<HostileRequest>,
  count: number,
  port: number,
  tally: Tally,
  cookie?: string,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    for (let done = 0, chunk = 0; done < count; chunk++) {
      const batch = fc.sample(arbitrary, { numRuns: Math.min(1000, count - done), seed: SEED + chunk });
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < batch.length; i = next++) {
          const req = batch[i];
          if (!req) continue;
          let answer: Awaited<ReturnType<typeof send>>;
          try {
            answer = await send(port, agent, req, cookie);
          } catch {
            tally.unsendable++;
            continue;
          }
          if (answer === 'reset') {
            tally.resets++;
            continue;
          }
          const key = String(answer.status);
          tally.statuses.set(key, (tally.statuses.get(key) ?? 0) + 1);
          if (answer.status >= 500 && answer.status !== 503 && tally.serverErrors.length < 20) {
            tally.serverErrors.push({
              request: describeRequest(req),
              status: answer.status,
              body: answer.body,
            });
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      done += batch.length;
      tally.peakRss = Math.max(tally.peakRss, process.memoryUsage().rss);
    }
  } finally {
    agent.destroy();
  }
}

const newTally = (): Tally => ({
  statuses: new Map(),
  serverErrors: [],
  unsendable: 0,
  resets: 0,
  peakRss: 0,
});

function report(name: string, count: number, tally: Tally, startRss: number, seconds: number): void {
  const statuses = [...tally.statuses].sort(([a], [b]) => a.localeCompare(b));
  console.log(
    `  ${name}: ${count} requests in ${seconds.toFixed(1)} s (${Math.round(count / seconds)}/s); ` +
      `statuses ${statuses.map(([s, n]) => `${s}:${n}`).join(' ')}; unsendable ${tally.unsendable}; ` +
      `cut without answer ${tally.resets}; RSS ${Math.round(startRss / 2 ** 20)} → peak ${Math.round(tally.peakRss / 2 ** 20)} MiB`,
  );
}

describe('fuzz: hostile HTTP requests (real Kafka, ReQL server, Redis)', function () {
  this.timeout(0);
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  let collector: Collector;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;
  const dashboard = new TestDashboard('Europe/Rome');
  let analyst: HttpSession;
  let dashboardPort: number;

  before(async () => {
    kafka = kafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topic = await createTopic(admin, 1);
    spoolDir = await tempDir('qf-fuzz-');
    collector = await startCollector(
      KAFKA_BROKERS,
      topic,
      collectorConfig({ spool: { ...collectorConfig().spool, dir: spoolDir.path } }),
    );
    await dashboard.migrate();
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    const base = await dashboard.start();
    dashboardPort = Number(new URL(base).port);
    analyst = (await dashboard.signIn(base, { email: 'ana@example.com', password: 'analyst password' }))
      .session;
  });

  after(async () => {
    await collector.close();
    await dashboard.close();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  it(`should answer ${TOTAL} hostile requests without a 5xx other than 503, stay bounded and correct`, async () => {
    const startRss = process.memoryUsage().rss;
    const startHeap = liveHeap();
    const collectorCount = Math.round(TOTAL * COLLECTOR_SHARE);
    const collectorTally = newTally();
    let started = Date.now();
    await fuzz(collectorRequests(WRITE_KEY), collectorCount, collector.address.port, collectorTally);
    report('collector', collectorCount, collectorTally, startRss, (Date.now() - started) / 1000);
    const collectorHeap = liveHeap();

    const cookie = ['qf.sid', 'connect.sid']
      .map((name) => [name, analyst.cookie(name)] as const)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const dashboardCount = TOTAL - collectorCount;
    const dashboardTally = newTally();
    started = Date.now();
    await fuzz(dashboardRequests(), dashboardCount, dashboardPort, dashboardTally, cookie);
    report('dashboard', dashboardCount, dashboardTally, startRss, (Date.now() - started) / 1000);
    const dashboardHeap = liveHeap();
    const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
    console.log(
      `  live heap + external after GC: start ${mib(startHeap)}, after the collector ${mib(collectorHeap)}, after the dashboard ${mib(dashboardHeap)}`,
    );

    expect(collectorTally.serverErrors, 'collector 5xx other than 503').to.deep.equal([]);
    expect(dashboardTally.serverErrors, 'dashboard 5xx other than 503').to.deep.equal([]);
    expect(dashboardTally.statuses.get('401') ?? 0, 'the analyst stayed signed in').to.be.below(
      dashboardCount / 100,
    );
    expect(Math.max(collectorHeap, dashboardHeap) - startHeap, 'live heap growth').to.be.below(
      HEAP_GROWTH_LIMIT,
    );
    expect(Math.max(collectorTally.peakRss, dashboardTally.peakRss), 'peak RSS').to.be.below(RSS_LIMIT);

    // Still correct: ready, and a valid event reaches Kafka.
    const ready = await fetch(`http://127.0.0.1:${collector.address.port}/readyz`);
    expect(ready.status).to.equal(200);
    const id = randomUUID();
    const accepted = await fetch(`http://127.0.0.1:${collector.address.port}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY) },
      body: JSON.stringify({ id, name: 'after the fuzz', anonymousId: 'fuzz-check' }),
    });
    expect(accepted.status).to.equal(200);
    const received = await readTopic(kafka, topic, (r) => r.some((m) => m.event.id === id), {
      timeoutMs: 120_000,
      readToEnd: false,
    });
    expect(received.some((m) => m.event.id === id)).to.equal(true);
    expect((await analyst.request('GET', '/api/v1/me')).status).to.equal(200);
  });
});
