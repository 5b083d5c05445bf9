/**
 * bench/dashboard: live-KPI delivery latency to N Socket.IO clients, and export throughput
 * against a raw cursor read of the same rows, measured side by side in one run.
 *
 *   npx tsx bench/dashboard.ts [--clients 100,1000] [--writes 20] [--rows 20000]
 *
 * Needs the test services (npm run services): the real RethinkDB server (2.4.4 on the test bed),
 * whose version it prints from `server_status`. Absolute figures on the shared 2-core machine are
 * noise; the ratios are the point.
 *
 * RethinkDB refuses arrays over 100,000 elements; nothing measured here builds one (the export is a
 * cursor over `between(...).orderBy({ index })`, the live state read covers the live window only).
 */
import { parseArgs } from 'node:util';
import r from 'rethinkdb';
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';
import { cursorRows } from '../lib/rethinkdb/cursor-rows.js';
import { recordsInPeriod } from '../dashboard/queries/records-query.js';
import { parseRecordFilter } from '../dashboard/queries/record-filter.js';
import type { LiveSnapshot } from '../dashboard/live/live-state.js';
import { TestDashboard } from '../test/support/test-dashboard.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100,1000' },
    writes: { type: 'string', default: '20' },
    rows: { type: 'string', default: '20000' },
  },
});
const clientCounts = values.clients.split(',').map(Number);
const writes = Number(values.writes);
const rowCount = Number(values.rows);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function liveLatency(
  dashboard: TestDashboard,
  base: string,
  cookie: string,
  clients: number,
): Promise<void> {
  const sockets: Socket[] = [];
  const latencies: number[] = [];
  const pending = new Map<number, number>();
  for (let i = 0; i < clients; i++) {
    const socket = io(`${base}/live`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie },
      forceNew: true,
    });
    sockets.push(socket);
    socket.on('kpis', (snapshot: LiveSnapshot) => {
      const value = snapshot.minutes.at(-1)?.quotes ?? 0;
      const writtenAt = pending.get(value);
      if (writtenAt !== undefined) latencies.push(Date.now() - writtenAt);
    });
    socket.emit('subscribe', { station: 'BENCH' });
  }
  await Promise.all(
    sockets.map((s) =>
      s.connected
        ? Promise.resolve()
        : new Promise<void>((resolve) =>
            s.once('connect', () => {
              resolve();
            }),
          ),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const table = r.db(dashboard.db).table('rollups');
  for (let w = 1; w <= writes; w++) {
    const value = clients * 1000 + w;
    pending.set(value, Date.now());
    await dashboard.rethink.run(
      table.insert(
        {
          id: `bench|${clients}|${minute}`,
          kind: 'trip',
          granularity: 'minute',
          start: minute,
          source: 'bench',
          pickupStation: 'BENCH',
          carGroup: 'X',
          channel: null,
          counts: { quotes: value },
          applied: { bench: value },
        },
        { conflict: 'replace' },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  for (const socket of sockets) socket.disconnect();
  await dashboard.rethink.run(table.get(`bench|${clients}|${minute}`).delete());
  latencies.sort((a, b) => a - b);
  const expected = clients * writes;
  console.log(
    `live  clients=${clients}  deliveries=${latencies.length}/${expected}  ` +
      `write→client p50=${percentile(latencies, 50)} ms  p99=${percentile(latencies, 99)} ms  (push interval ${dashboard.config.livePushIntervalMs} ms included)`,
  );
}

async function exportThroughput(
  dashboard: TestDashboard,
  analyst: { download(path: string): Promise<Response> },
): Promise<void> {
  const docs = Array.from({ length: rowCount }, (_, n) => ({
    kind: 'quote',
    op: 'upsert',
    id: `bench:${n}`,
    source: 'bench',
    sourceKey: String(n),
    version: 1,
    quotedAt: new Date(Date.UTC(2026, 5, 25) + n * 1000).toISOString(),
    brokerQuoteRef: `Q${n}`,
    customer: { email: `c${n}@example.it`, phone: '+39 347 1234567', name: 'Mario Rossi' },
    pickup: { station: 'BGY', at: '2026-07-01T07:36:00.000Z' },
    dropoff: { station: 'BGY', at: '2026-07-11T05:36:00.000Z' },
    carGroup: 'IDAR',
    price: { amount: 441.2, currency: 'EUR' },
    channel: 'api',
    attributes: {},
    clusterId: `bench:${n}`,
    partition: 0,
  }));
  for (let i = 0; i < docs.length; i += 1000)
    await dashboard.rethink.run(
      r
        .db(dashboard.db)
        .table('quotes')
        .insert(docs.slice(i, i + 1000)),
    );
  const query = 'from=2026-06-25T00:00:00Z&to=2026-07-25T00:00:00Z';
  const parsed = parseRecordFilter(Object.fromEntries(new URLSearchParams(query)));
  if (!parsed.ok) throw new Error('bad filter');

  let started = performance.now();
  const connection = await dashboard.rethink.connection();
  const cursor = await (
    recordsInPeriod(dashboard.db, 'quotes', parsed.filter) as unknown as r.Operation<r.Cursor>
  ).run(connection);
  let raw = 0;
  for await (const _row of cursorRows(cursor)) raw++;
  const rawSeconds = (performance.now() - started) / 1000;
  console.log(`export baseline: raw cursor read  rows=${raw}  ${(raw / rawSeconds).toFixed(0)} rows/s`);

  for (const format of ['csv', 'xlsx'] as const) {
    started = performance.now();
    const response = await analyst.download(`/api/v1/export/quotes?format=${format}&${query}`);
    const bytes = (await response.arrayBuffer()).byteLength;
    const seconds = (performance.now() - started) / 1000;
    const rate = rowCount / seconds;
    console.log(
      `export ${format.padEnd(4)} rows=${rowCount}  ${(bytes / 1e6).toFixed(1)} MB  ${rate.toFixed(0)} rows/s  ratio to raw read ${(rate / (raw / rawSeconds)).toFixed(2)}`,
    );
  }
}

const dashboard = new TestDashboard('UTC');
try {
  // Name the server measured: figures from reqlite (the emulator used before) say nothing about it.
  const server: unknown = await dashboard.rethink.run(
    r.db('rethinkdb').table('server_status').nth(0)('process')('version'),
  );
  console.log(`bench/dashboard against ${String(server)}`);
  await dashboard.migrate();
  await dashboard.users.create({ email: 'bench@example.com', role: 'analyst', password: 'bench password!' });
  const base = await dashboard.start();
  const { session } = await dashboard.signIn(base, {
    email: 'bench@example.com',
    password: 'bench password!',
  });
  const cookie = `qf.sid=${session.cookie('qf.sid') ?? ''}`;
  for (const clients of clientCounts) await liveLatency(dashboard, base, cookie, clients);
  await exportThroughput(dashboard, session);
} finally {
  await dashboard.close();
}
