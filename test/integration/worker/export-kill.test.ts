import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { expect } from 'chai';
import r from 'rethinkdb';
import type { ExportJobData } from '../../../lib/jobs/job-queues.js';
import { EXPORTS_QUEUE, queueExport } from '../../../lib/jobs/job-queues.js';
import { createRedis } from '../../../lib/redis.js';
import { parseRethinkdbUrl } from '../../../lib/rethinkdb/rethinkdb-url.js';
import type { ExportDoc } from '../../../dashboard/exports/export-doc.js';
import { ExportStore } from '../../../dashboard/exports/export-store.js';
import { waitFor } from '../../support/alert-receivers.js';
import { services } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { TestWorkers, noChecks } from '../../support/test-worker.js';
import { spawnWorkerProcess } from '../../support/worker-process.js';

const QUOTES = 20_000;

/**
 * A `quoteflow worker` process is SIGKILLed in the middle of a background export (its RethinkDB
 * link stalled by a proxy, so it is surely mid-file); another worker takes the job up once the
 * dead one's lock expires and writes the whole file.
 */
describe('export worker killed mid-export (real process, Redis, RethinkDB)', function () {
  this.timeout(120_000);
  const workers = new TestWorkers();
  let directory: string;
  let proxy: TcpProxy;
  let child: ChildProcess | undefined;

  before(async () => {
    await workers.migrate();
    directory = await mkdtemp(join(tmpdir(), 'qf-export-kill-'));
    const upstream = parseRethinkdbUrl(services.rethinkdbUrl);
    proxy = await new TcpProxy({ host: upstream.host, port: upstream.port }).start();
    await workers.rethink.run(
      r
        .db(workers.db)
        .table('quotes')
        .insert(
          Array.from({ length: QUOTES }, (_, index) => ({
            id: `rentalcars:${index}`,
            source: 'rentalcars',
            sourceKey: String(index),
            quotedAt: new Date(Date.UTC(2026, 5, 10) + index * 1000).toISOString(),
          })),
        ),
    );
  });

  after(async () => {
    child?.kill('SIGKILL');
    await workers.close();
    await proxy.cut();
    await rm(directory, { recursive: true, force: true });
  });

  it('should leave the export to another worker, which writes it whole', async () => {
    const workerYaml = [
      '  stalledJobMs: 2000',
      noChecks(),
      '  exports:',
      `    directory: '${directory}'`,
      '    progressIntervalMs: 10',
    ].join('\n');
    const exports = new ExportStore(workers.rethink);
    const doc: ExportDoc = {
      id: 'export-kill-1',
      owner: 'ana@example.com',
      kind: 'quotes',
      format: 'csv',
      filter: { from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
      state: 'queued',
      rows: 0,
      total: null,
      fileName: 'quotes.csv',
      bytes: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      expiresAt: null,
      attempts: 0,
      error: null,
    };
    await exports.insert(doc);
    const redis = createRedis({ url: services.redisUrl }, silentLogger);
    const queue = new Queue<ExportJobData>(EXPORTS_QUEUE, { connection: redis, prefix: workers.prefix });
    await queueExport(queue, doc.id, { attempts: 3, backoffMs: 100 });
    await queue.close();
    await redis.quit();

    const worker = await spawnWorkerProcess({
      dir: directory,
      queuePrefix: workers.prefix,
      workerYaml,
      rethinkdbUrl: `rethinkdb://127.0.0.1:${proxy.port}/${workers.db}`,
    });
    child = worker.child;
    const { exited } = worker;

    // Mid-file: some rows written, not all. Stall its database link there, then kill it.
    const midway = await waitFor(
      'the worker process in the middle of the export',
      async () => {
        const current = await exports.get(doc.id);
        return current && current.rows > 0 && current.rows < QUOTES ? current : undefined;
      },
      45_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; worker output: ${worker.output()}`);
    });
    proxy.stall();
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');
    expect(midway).to.include({ state: 'running', attempts: 1 });
    expect(await readdir(directory)).to.include(`${doc.id}.csv.part`);

    await workers.start(workers.config(workerYaml), 'survivor');
    const done = await waitFor('the export done by the surviving worker', async () => {
      const current = await exports.get(doc.id);
      return current?.state === 'done' ? current : undefined;
    });
    expect(done).to.include({ rows: QUOTES, total: QUOTES, attempts: 2 });
    expect((await readdir(directory)).sort()).to.deep.equal([`${doc.id}.csv`, 'quoteflow.yaml']);
    const lines = (await readFile(join(directory, `${doc.id}.csv`), 'utf8')).split('\r\n');
    expect(lines).to.have.length(QUOTES + 2);
    expect(new Set(lines.slice(1, -1).map((line) => line.split(',')[0])).size).to.equal(QUOTES);
  });
});
