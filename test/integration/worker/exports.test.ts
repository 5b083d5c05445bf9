import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import r from 'rethinkdb';
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';
import { waitFor } from '../../support/alert-receivers.js';
import type { HttpSession } from '../../support/http-session.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { TestWorkers, noChecks } from '../../support/test-worker.js';

const QUOTES = 3000;

function quote(index: number) {
  const quotedAt = new Date(Date.UTC(2026, 5, 10, 0, 0, 0) + index * 60_000).toISOString();
  return {
    id: `rentalcars:${index}`,
    kind: 'quote',
    source: 'rentalcars',
    sourceKey: String(index),
    version: 1,
    quotedAt,
    brokerQuoteRef: `Q${index}`,
    customer: { email: `c${index}@example.com`, phone: null, name: `Customer ${index}` },
    pickup: { station: 'BGY', at: '2026-07-01T07:00:00.000Z' },
    dropoff: { station: 'BGY', at: '2026-07-05T07:00:00.000Z' },
    carGroup: 'IDAR',
    price: { amount: 100 + index, currency: 'EUR' },
    channel: 'api',
    clusterId: `rentalcars:${index}`,
  };
}

describe('background exports (real Redis, RethinkDB, Socket.IO)', function () {
  this.timeout(60_000);
  let workers: TestWorkers;
  let dashboard: TestDashboard;
  let directory: string;
  let base: string;
  let ana: { session: HttpSession; csrf: string };
  let bob: { session: HttpSession; csrf: string };
  const sockets: Socket[] = [];

  const workerYaml = (extra: string[] = []) =>
    [noChecks(), '  exports:', `    directory: '${directory}'`, '    progressIntervalMs: 10', ...extra].join(
      '\n',
    );

  beforeEach(async () => {
    workers = new TestWorkers();
    await workers.migrate();
    directory = await mkdtemp(join(tmpdir(), 'qf-exports-'));
    dashboard = new TestDashboard(
      'UTC',
      {
        QF_WORKER_QUEUE_PREFIX: workers.prefix,
        QF_WORKER_EXPORTS_DIRECTORY: directory,
        QF_WORKER_EXPORTS_ATTEMPTS: '2',
        QF_WORKER_EXPORTS_BACKOFF_MS: '100',
      },
      workers.db,
    );
    await workers.rethink.run(
      r
        .db(workers.db)
        .table('quotes')
        .insert(Array.from({ length: QUOTES }, (_, index) => quote(index))),
    );
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    await dashboard.users.create({ email: 'bob@example.com', role: 'admin', password: 'admin password!' });
    base = await dashboard.start();
    ana = await dashboard.signIn(base, { email: 'ana@example.com', password: 'analyst password' });
    bob = await dashboard.signIn(base, { email: 'bob@example.com', password: 'admin password!' });
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await dashboard.close();
    await workers.close();
    await rm(directory, { recursive: true, force: true });
  });

  function connect(session: HttpSession): Socket {
    const socket = io(`${base}/exports`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: `qf.sid=${session.cookie('qf.sid') ?? ''}` },
    });
    sockets.push(socket);
    return socket;
  }

  const start = (who: { session: HttpSession; csrf: string }, body: Record<string, unknown>) =>
    who.session.request('POST', '/api/v1/exports', { json: body, headers: { 'x-csrf-token': who.csrf } });

  describe('when an analyst exports a large period', () => {
    it("should push progress to the owner's browser only, and offer the file once done", async () => {
      const anaSocket = connect(ana.session);
      const bobSocket = connect(bob.session);
      await Promise.all(
        [anaSocket, bobSocket].map(
          (socket) =>
            new Promise<void>((resolve) =>
              socket.once('connect', () => {
                resolve();
              }),
            ),
        ),
      );
      const progress: { exportId: string; rows: number; total: number }[] = [];
      const ended: Record<string, unknown>[] = [];
      const bobSaw: unknown[] = [];
      anaSocket.on('progress', (event: { exportId: string; rows: number; total: number }) =>
        progress.push(event),
      );
      anaSocket.on('export', (doc: Record<string, unknown>) => ended.push(doc));
      bobSocket.on('progress', (event: unknown) => bobSaw.push(event));
      bobSocket.on('export', (event: unknown) => bobSaw.push(event));
      // The worker starts after the export is queued: all of its progress is still to come.
      const started = await start(ana, {
        kind: 'quotes',
        format: 'csv',
        from: '2026-06-01',
        to: '2026-07-01',
      });
      expect(started.status, started.text).to.equal(202);
      const id = (started.json?.export as { id: string }).id;
      expect(started.json?.export).to.include({ state: 'queued', owner: 'ana@example.com', kind: 'quotes' });
      await workers.start(workers.config(workerYaml()), 'one');

      const done = await waitFor('the export ended', () => ended[0]);
      expect(done).to.include({ id, state: 'done', rows: QUOTES, total: QUOTES });
      expect(progress.length).to.be.greaterThan(1);
      expect(progress.every((event) => event.exportId === id && event.total === QUOTES)).to.equal(true);
      const counts = progress.map((event) => event.rows);
      expect(counts).to.deep.equal([...counts].sort((a, b) => a - b));
      expect(counts.at(-1)).to.equal(QUOTES);
      expect(bobSaw).to.deep.equal([]);

      const file = await ana.session.download(`/api/v1/exports/${id}/file`);
      expect(file.status).to.equal(200);
      expect(file.headers.get('content-disposition')).to.include(
        'quoteflow-quotes-2026-06-01-2026-07-01.csv',
      );
      const lines = (await file.text()).replace(/^\uFEFF/, '').split('\r\n');
      expect(lines).to.have.length(QUOTES + 2);
      expect(lines[0]).to.match(/^id,source,sourceKey,quotedAt \(UTC\),/);
      expect(lines[1]).to.match(/^rentalcars:0,rentalcars,0,2026-06-10 00:00:00,Q0,/);

      // Another user, admins included, neither lists nor downloads it.
      expect((await bob.session.request('GET', '/api/v1/exports')).json?.exports).to.deep.equal([]);
      expect((await bob.session.download(`/api/v1/exports/${id}/file`)).status).to.equal(404);
      expect((await bob.session.request('GET', `/api/v1/exports/${id}`)).status).to.equal(404);
      expect(
        ((await ana.session.request('GET', '/api/v1/exports')).json?.exports as { id: string }[]).map(
          (e) => e.id,
        ),
      ).to.deep.equal([id]);
    });

    it('should name every bad field', async () => {
      const response = await start(ana, {
        kind: 'invoices',
        format: 'pdf',
        from: 'yesterday',
        to: '2026-07-01',
      });
      expect(response.status).to.equal(400);
      expect(response.json?.issues).to.deep.include.members([
        { path: 'kind', message: 'must be quotes, bookings, events or clusters' },
        { path: 'format', message: 'must be csv or xlsx' },
        { path: 'from', message: 'must be an ISO-8601 date-time, e.g. 2026-06-25T00:00:00Z' },
      ]);
    });
  });

  describe('when a user asks for more exports than may run at once', () => {
    it('should answer 429 past worker.exports.maxActivePerUser, for that user only', async () => {
      const body = { kind: 'quotes', from: '2026-06-01', to: '2026-07-01' };
      // No worker runs: the first three stay queued.
      for (let n = 0; n < 3; n++) expect((await start(ana, body)).status).to.equal(202);
      const refused = await start(ana, body);
      expect(refused.status).to.equal(429);
      expect(refused.json?.message).to.equal('at most 3 exports may run at once; wait for one to finish');
      expect((await start(bob, body)).status).to.equal(202);
    });
  });

  describe('when an export cannot be written', () => {
    it('should retry it, then push its failure with the reason to the owner', async () => {
      const socket = connect(ana.session);
      await new Promise<void>((resolve) =>
        socket.once('connect', () => {
          resolve();
        }),
      );
      const ended: Record<string, unknown>[] = [];
      socket.on('export', (doc: Record<string, unknown>) => ended.push(doc));
      // The dashboard queued it with 2 attempts, 100 ms apart (its config; see beforeEach).
      const yaml = workerYaml().replace(`directory: '${directory}'`, "directory: '/dev/null/exports'");
      await workers.start(workers.config(yaml), 'one');
      const started = await start(ana, { kind: 'quotes', from: '2026-06-01', to: '2026-07-01' });
      const id = (started.json?.export as { id: string }).id;
      const failed = await waitFor('the failed export pushed', () => ended[0]);
      expect(failed).to.include({ id, state: 'failed', attempts: 2 });
      expect(failed.error).to.match(/^ENOTDIR: not a directory/);
    });
  });

  describe('when an export expires', () => {
    it('should delete its file and answer 410', async () => {
      // Expired as soon as done; the cleanup runs every second.
      await workers.start(
        workers.config(workerYaml(['    ttlHours: 0.0001', "    cleanupSchedule: '* * * * * *'"])),
        'one',
      );
      const started = await start(ana, {
        kind: 'quotes',
        format: 'xlsx',
        from: '2026-06-01',
        to: '2026-07-01',
      });
      const id = (started.json?.export as { id: string }).id;
      // A stray file next to it, which is not the cleanup's to delete.
      await writeFile(join(directory, 'keep.txt'), 'not an export');
      const expired = await waitFor('the export expired', async () => {
        const doc = (await ana.session.request('GET', `/api/v1/exports/${id}`)).json?.export as
          { state: string } | undefined;
        return doc?.state === 'expired' ? doc : undefined;
      });
      expect(expired).to.include({ rows: QUOTES });
      expect(await readdir(directory)).to.deep.equal(['keep.txt']);
      expect((await ana.session.download(`/api/v1/exports/${id}/file`)).status).to.equal(410);
    });
  });
});
