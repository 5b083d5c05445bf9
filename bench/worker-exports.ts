/**
 * bench/worker-exports: background export throughput (worker/exports/run-export.ts: a count for
 * the progress bar, the cursor through the CSV/XLSX writers into a file, progress every 500 ms)
 * against a raw cursor read of the same rows, side by side in one run; and the same CSV export
 * queued through BullMQ to a worker, to see what the queue adds.
 *
 *   npx tsx bench/worker-exports.ts [--rows 20000]
 *
 * Needs the test services (npm run services). Absolute figures on the shared 2-core machine are
 * noise; the ratios are the point.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import r from 'rethinkdb';
import type { ExportDoc } from '../dashboard/exports/export-doc.js';
import { ExportStore } from '../dashboard/exports/export-store.js';
import { recordsInPeriod } from '../dashboard/queries/records-query.js';
import type { ExportJobData } from '../lib/jobs/job-queues.js';
import { EXPORTS_QUEUE, queueExport } from '../lib/jobs/job-queues.js';
import { createRedis } from '../lib/redis.js';
import { cursorRows } from '../lib/rethinkdb/cursor-rows.js';
import { runExport } from '../worker/exports/run-export.js';
import { waitFor } from '../test/support/alert-receivers.js';
import { services } from '../test/support/services.js';
import { silentLogger } from '../test/support/silent-logger.js';
import { TestWorkers, noChecks } from '../test/support/test-worker.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' } } });
const rowCount = Number(values.rows);
const filter = { from: '2026-06-25T00:00:00.000Z', to: '2026-07-25T00:00:00.000Z' };

function exportDoc(id: string, format: 'csv' | 'xlsx'): ExportDoc {
  return {
    id,
    owner: 'bench@example.com',
    kind: 'quotes',
    format,
    filter,
    state: 'queued',
    rows: 0,
    total: null,
    fileName: `bench.${format}`,
    bytes: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    expiresAt: null,
    attempts: 0,
    error: null,
  };
}

const workers = new TestWorkers();
const directory = await mkdtemp(join(tmpdir(), 'qf-bench-exports-'));
try {
  const server: unknown = await workers.rethink.run(
    r.db('rethinkdb').table('server_status').nth(0)('process')('version'),
  );
  console.log(`bench/worker-exports against ${String(server)}, ${rowCount} quotes`);
  await workers.migrate();
  for (let i = 0; i < rowCount; i += 1000)
    await workers.rethink.run(
      r
        .db(workers.db)
        .table('quotes')
        .insert(
          Array.from({ length: Math.min(1000, rowCount - i) }, (_, k) => {
            const n = i + k;
            return {
              id: `bench:${n}`,
              source: 'bench',
              sourceKey: String(n),
              quotedAt: new Date(Date.UTC(2026, 5, 25) + n * 1000).toISOString(),
              brokerQuoteRef: `Q${n}`,
              customer: { email: `c${n}@example.it`, phone: '+39 347 1234567', name: 'Mario Rossi' },
              pickup: { station: 'BGY', at: '2026-07-01T07:36:00.000Z' },
              dropoff: { station: 'BGY', at: '2026-07-11T05:36:00.000Z' },
              carGroup: 'IDAR',
              price: { amount: 441.2, currency: 'EUR' },
              channel: 'api',
              clusterId: `bench:${n}`,
            };
          }),
        ),
    );

  let started = performance.now();
  let raw = 0;
  const cursor = await workers.rethink.run(recordsInPeriod(workers.db, 'quotes', filter));
  for await (const _row of cursorRows(cursor)) raw++;
  const rawRate = raw / ((performance.now() - started) / 1000);
  console.log(`baseline: raw cursor read  rows=${raw}  ${rawRate.toFixed(0)} rows/s`);

  const exports = new ExportStore(workers.rethink);
  const config = workers.config(`${noChecks()}\n  exports:\n    directory: '${directory}'`).worker.exports;
  for (const format of ['csv', 'xlsx'] as const) {
    const id = `bench-direct-${format}`;
    await exports.insert(exportDoc(id, format));
    started = performance.now();
    const doc = await runExport(id, 1, {
      db: workers.rethink,
      exports,
      config,
      zone: 'UTC',
      clock: () => new Date(),
      progress: () => Promise.resolve(),
    });
    const rate = (doc?.rows ?? 0) / ((performance.now() - started) / 1000);
    console.log(
      `runExport ${format.padEnd(4)} rows=${doc?.rows ?? 0}  ${((doc?.bytes ?? 0) / 1e6).toFixed(1)} MB  ${rate.toFixed(0)} rows/s  ratio to raw read ${(rate / rawRate).toFixed(2)}`,
    );
  }

  await workers.start(workers.config(`${noChecks()}\n  exports:\n    directory: '${directory}'`), 'bench');
  const redis = createRedis({ url: services.redisUrl }, silentLogger);
  const queue = new Queue<ExportJobData>(EXPORTS_QUEUE, { connection: redis, prefix: workers.prefix });
  await exports.insert(exportDoc('bench-queued-csv', 'csv'));
  started = performance.now();
  await queueExport(queue, 'bench-queued-csv', { attempts: 1, backoffMs: 1000 });
  const done = await waitFor(
    'the queued export',
    async () => {
      const doc = await exports.get('bench-queued-csv');
      return doc?.state === 'done' ? doc : undefined;
    },
    600_000,
  );
  const rate = done.rows / ((performance.now() - started) / 1000);
  console.log(
    `queued csv (BullMQ → worker) rows=${done.rows}  ${rate.toFixed(0)} rows/s  ratio to raw read ${(rate / rawRate).toFixed(2)}`,
  );
  await queue.close();
  await redis.quit();
} finally {
  await workers.close();
  await rm(directory, { recursive: true, force: true });
}
