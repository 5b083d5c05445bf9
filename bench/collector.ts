/**
 * bench/collector.ts: the collector under autocannon, next to a bare node:http server answering
 * 204 measured in the same run (DESIGN.md, "Benchmarks"). Each server runs in its own process;
 * the collector writes to the real Kafka (acks=all) on a topic of its own, deleted afterwards.
 *
 *   npx tsx bench/collector.ts            # BENCH_SECONDS (default 8), BENCH_CONNECTIONS (default 50),
 *                                         # BENCH_WORKERS (default: the machine's cores)
 *
 * The collector runs twice: with one process, then with `collector.workers` = BENCH_WORKERS.
 * Prints requests/s, events/s, p50/p99 latency and the ratios; asserts nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir as osTmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { parseConfig } from '../lib/config/load-config.js';
import { createKafka } from '../lib/kafka/kafka-client.js';
import { ensureTopics } from '../lib/kafka/topics.js';
import { createLogger } from '../lib/logger.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const workers = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const brokers = process.env.QF_KAFKA_BROKERS ?? '127.0.0.1:9092';
const root = fileURLToPath(new URL('../', import.meta.url));
const WRITE_KEY = 'wk_bench_0123456789';
const logger = createLogger({ level: 'warn' });

interface Measured {
  name: string;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function spawnServer(args: string[], env: Record<string, string>): ChildProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')),
  );
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer`);
}

async function load(
  name: string,
  options: { url: string; method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
  eventsPerRequest: number,
): Promise<Measured> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    connections,
    duration: seconds,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  const ok = result.requests.total - result.non2xx - result.errors - result.timeouts;
  return {
    name,
    requestsPerSecond: ok / seconds,
    eventsPerSecond: (ok * eventsPerRequest) / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

const { config } = parseConfig('', { QF_KAFKA_BROKERS: brokers });
const kafka = createKafka(config.kafka, logger);
const admin = kafka.admin();
await admin.connect();
const topic = `qf.bench.collector_${Date.now().toString(36)}`;
await ensureTopics(
  admin,
  [{ name: topic, partitions: 6, replicationFactor: 1, cleanupPolicy: 'delete', retentionMs: 3_600_000 }],
  logger,
);
const barePort = 18_300;
const collectorPort = 18_301;
const chrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const batch = JSON.stringify({
  batch: Array.from({ length: 100 }, (_, i) => ({
    name: 'bench',
    anonymousId: `visitor-${i}`,
    properties: { i, quoteRef: `Q${i}` },
    context: { page: 'https://example.com/quote', campaign: { source: 'bench' } },
  })),
});
/** What @segment/analytics-node sends: messageIds, timestamps, its library in the context; a tenth identify calls. */
const sentAt = new Date().toISOString();
const segmentBatch = JSON.stringify({
  batch: Array.from({ length: 100 }, (_, i) =>
    i % 10 === 9
      ? {
          type: 'identify',
          userId: `user-${i}`,
          anonymousId: `visitor-${i}`,
          traits: { email: `visitor-${i}@example.com`, phone: '347 1234567' },
          messageId: `node-next-1764000000000-${randomUUID()}`,
          timestamp: sentAt,
          context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
          integrations: {},
        }
      : {
          type: 'track',
          event: 'Quote Requested',
          anonymousId: `visitor-${i}`,
          properties: { i, quoteRef: `Q${i}` },
          messageId: `node-next-1764000000000-${randomUUID()}`,
          timestamp: sentAt,
          context: {
            library: { name: '@segment/analytics-node', version: '3.1.0' },
            page: { url: 'https://example.com/quote', path: '/quote', referrer: '', title: 'Quote' },
            campaign: { source: 'bench' },
          },
          integrations: {},
        },
  ),
  writeKey: WRITE_KEY,
  sentAt,
});
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

/** The pixel and batch endpoints of `quoteflow collector` with this many worker processes. */
async function benchCollector(workerCount: number): Promise<Measured[]> {
  const spoolDir = await mkdtemp(join(osTmpdir(), 'qf-bench-spool-'));
  const collector = spawnServer(['--import', 'tsx', 'cli/main.ts', 'collector'], {
    QF_KAFKA_BROKERS: brokers,
    QF_KAFKA_TOPICS_EVENTS_NAME: topic,
    QF_COLLECTOR_HOST: '127.0.0.1',
    QF_COLLECTOR_PORT: String(collectorPort),
    QF_COLLECTOR_SPOOL_DIR: spoolDir,
    QF_COLLECTOR_WORKERS: String(workerCount),
    QF_COLLECTOR_PROJECTS: JSON.stringify([{ name: 'bench', writeKeys: [WRITE_KEY] }]),
    QF_LOG_LEVEL: 'warn',
  });
  const label = workerCount === 1 ? '1 process' : `${workerCount} workers`;
  try {
    await waitFor(`http://127.0.0.1:${collectorPort}/healthz`);
    // Warm-up: JIT, Kafka connections and metadata in every worker.
    await load(
      'warm-up',
      { url: `http://127.0.0.1:${collectorPort}/v1/pixel.gif?writeKey=${WRITE_KEY}&aid=${randomUUID()}` },
      1,
    );
    return [
      await load(
        `collector (${label}) GET /v1/pixel.gif`,
        {
          url: `http://127.0.0.1:${collectorPort}/v1/pixel.gif?writeKey=${WRITE_KEY}&aid=visitor-1&url=https%3A%2F%2Fexample.com%2F&utm_source=bench`,
          headers: { 'user-agent': chrome },
        },
        1,
      ),
      await load(
        `collector (${label}) POST /v1/batch×100`,
        {
          url: `http://127.0.0.1:${collectorPort}/v1/batch`,
          method: 'POST',
          body: batch,
          headers: { 'content-type': 'application/json', authorization: auth, 'user-agent': chrome },
        },
        100,
      ),
      await load(
        `collector (${label}) POST /v1/batch×100 Segment`,
        {
          url: `http://127.0.0.1:${collectorPort}/v1/batch`,
          method: 'POST',
          body: segmentBatch,
          headers: {
            'content-type': 'application/json',
            authorization: auth,
            'user-agent': 'analytics-node-next/latest',
          },
        },
        100,
      ),
    ];
  } finally {
    collector.kill('SIGTERM');
    await new Promise((resolve) => collector.once('exit', resolve));
    await rm(spoolDir, { recursive: true, force: true });
  }
}

const bare = spawnServer(
  [
    '-e',
    `require('node:http').createServer((q, s) => { s.writeHead(204); s.end(); }).listen(${barePort}, '127.0.0.1')`,
  ],
  {},
);
/** The 1-minute load average: on a shared machine, figures mean little without it. */
const load1 = () => loadavg()[0]?.toFixed(2) ?? '?';
const loadAtStart = load1();
let base: Measured;
const collectors: Measured[][] = [];
try {
  await waitFor(`http://127.0.0.1:${barePort}/`);
  base = await load('bare node:http 204', { url: `http://127.0.0.1:${barePort}/` }, 0);
  bare.kill('SIGTERM');
  for (const count of workers > 1 ? [1, workers] : [1]) collectors.push(await benchCollector(count));
} finally {
  bare.kill('SIGTERM');
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}

process.stdout.write(
  `collector benchmark: ${connections} connections, ${seconds} s each, acks=all to Kafka ${brokers}; ` +
    `load average ${loadAtStart} at the start, ${load1()} at the end\n`,
);
for (const r of [base, ...collectors.flat()]) {
  process.stdout.write(
    `  ${r.name.padEnd(50)} ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  ` +
      `${r.eventsPerSecond.toFixed(0).padStart(8)} events/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}\n`,
  );
}
for (const [pixel, batchResult, segmentResult] of collectors) {
  if (!pixel || !batchResult || !segmentResult) continue;
  process.stdout.write(
    `  ${pixel.name.replace(/ GET.*/, '')}: pixel / bare (req/s) ${(pixel.requestsPerSecond / base.requestsPerSecond).toFixed(2)}, ` +
      `batch events/s per bare req/s ${(batchResult.eventsPerSecond / base.requestsPerSecond).toFixed(2)}, ` +
      `Segment batch / plain batch (events/s) ${(segmentResult.eventsPerSecond / batchResult.eventsPerSecond).toFixed(2)}\n`,
  );
}
