import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { expect } from 'chai';
import r from 'rethinkdb';
import { REPORTS_QUEUE, reportSchedulerId } from '../../../lib/jobs/job-queues.js';
import { createRedis } from '../../../lib/redis.js';
import { reportPeriod } from '../../../dashboard/reports/report-period.js';
import { SmtpReceiver, waitFor } from '../../support/alert-receivers.js';
import type { HttpSession } from '../../support/http-session.js';
import { mailAttachment } from '../../support/mail-attachment.js';
import { services } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { TestWorkers, noChecks } from '../../support/test-worker.js';

const ZONE = 'Europe/Rome';

function dayRollup(start: string, source: string, quotes: number, demands: number) {
  return {
    id: `trip|day|${start}|${source}`,
    kind: 'trip',
    granularity: 'day',
    start,
    source,
    pickupStation: 'BGY',
    carGroup: 'IDAR',
    channel: 'api',
    counts: { quotes, demands },
    applied: { 'qf.quotes:0': 1 },
  };
}

/** A report body as the dashboard's form sends it. */
const reportBody = (extra: Record<string, unknown> = {}) => ({
  name: 'Daily broker volume',
  period: 'yesterday',
  granularity: 'day',
  groupBy: 'source',
  format: 'csv',
  schedule: '0 6 * * *',
  recipients: ['ana@example.com', 'boss@sales.example.com'],
  ...extra,
});

describe('scheduled reports (real Redis, RethinkDB, SMTP server)', function () {
  this.timeout(60_000);
  let workers: TestWorkers;
  let dashboard: TestDashboard;
  let smtp: SmtpReceiver;
  let directory: string;
  let analyst: HttpSession;
  let analystCsrf: string;
  let viewer: HttpSession;
  let viewerCsrf: string;
  let queue: Queue;
  const queueRedis = createRedis({ url: services.redisUrl }, silentLogger);

  /** A worker running no check, its mail to the test SMTP server, reports retried fast. */
  const workerYaml = (smtpPort: number) =>
    [
      noChecks(),
      '  alerts:',
      `    email: { smtp: { host: 127.0.0.1, port: ${smtpPort} } }`,
      '  reports:',
      `    directory: '${directory}'`,
      "    from: 'reports@example.com'",
      '    attempts: 2',
      '    backoffMs: 100',
      'kpi:',
      `  timezone: ${ZONE}`,
    ].join('\n');

  beforeEach(async () => {
    workers = new TestWorkers();
    await workers.migrate();
    smtp = new SmtpReceiver();
    await smtp.start();
    directory = await mkdtemp(join(tmpdir(), 'qf-reports-'));
    dashboard = new TestDashboard(
      ZONE,
      {
        QF_WORKER_QUEUE_PREFIX: workers.prefix,
        QF_WORKER_REPORTS_RECIPIENT_DOMAINS: 'example.com',
        QF_WORKER_REPORTS_DIRECTORY: directory,
        // A run's retries are set where it is queued: by the dashboard for "run now".
        QF_WORKER_REPORTS_ATTEMPTS: '2',
        QF_WORKER_REPORTS_BACKOFF_MS: '100',
      },
      workers.db,
    );
    // Yesterday (in the KPI zone) has 7 + 3 quotes; the day before, 100, which no report of yesterday may show.
    const yesterday = reportPeriod('yesterday', new Date(), ZONE);
    const dayBefore = new Date(Date.parse(yesterday.from) - 86_400_000).toISOString();
    await workers.rethink.run(
      r
        .db(workers.db)
        .table('rollups')
        .insert([
          dayRollup(yesterday.from, 'rentalcars', 7, 5),
          dayRollup(yesterday.from, 'autoeurope', 3, 3),
          dayRollup(dayBefore, 'rentalcars', 100, 100),
        ]),
    );
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    await dashboard.users.create({ email: 'vic@example.com', role: 'viewer', password: 'viewer password' });
    const base = await dashboard.start();
    ({ session: analyst, csrf: analystCsrf } = await dashboard.signIn(base, {
      email: 'ana@example.com',
      password: 'analyst password',
    }));
    ({ session: viewer, csrf: viewerCsrf } = await dashboard.signIn(base, {
      email: 'vic@example.com',
      password: 'viewer password',
    }));
    queue = new Queue(REPORTS_QUEUE, { connection: queueRedis, prefix: workers.prefix });
  });

  afterEach(async () => {
    await queue.close();
    await dashboard.close();
    await workers.close();
    await smtp.close();
    await rm(directory, { recursive: true, force: true });
  });

  after(async () => {
    await queueRedis.quit();
  });

  const create = (session: HttpSession, csrf: string, body: unknown) =>
    session.request('POST', '/api/v1/reports', { json: body, headers: { 'x-csrf-token': csrf } });

  describe('when a report is saved', () => {
    it('should refuse viewers, and name every bad field', async () => {
      expect((await create(viewer, viewerCsrf, reportBody())).status).to.equal(403);

      const bad = await create(analyst, analystCsrf, reportBody({ name: '', schedule: 'every day at six' }));
      expect(bad.status).to.equal(400);
      expect((bad.json?.issues as { path: string }[]).map((issue) => issue.path)).to.deep.equal([
        'name',
        'schedule',
      ]);

      const elsewhere = await create(
        analyst,
        analystCsrf,
        reportBody({ recipients: ['ana@example.com', 'someone@gmail.com'] }),
      );
      expect(elsewhere.status).to.equal(400);
      expect(elsewhere.json?.issues).to.deep.equal([
        {
          path: 'recipients[1]',
          message: 'unknown recipient domain gmail.com: reports may go to example.com',
        },
      ]);

      const noOne = await create(analyst, analystCsrf, reportBody({ recipients: [] }));
      expect(noOne.json?.issues).to.deep.equal([
        { path: 'recipients', message: 'must name at least one address when delivery is email' },
      ]);
      expect((await analyst.request('GET', '/api/v1/reports')).json?.reports).to.deep.equal([]);
    });

    it('should schedule it at once, in the KPI time zone', async () => {
      const created = await create(analyst, analystCsrf, reportBody());
      expect(created.status, created.text).to.equal(201);
      expect(created.json?.scheduled).to.equal(true);
      const id = (created.json?.report as { id: string }).id;
      const scheduler = await queue.getJobScheduler(reportSchedulerId(id));
      expect(scheduler).to.include({ pattern: '0 6 * * *', tz: ZONE });
      // The viewer reads it, but may not change it.
      expect((await viewer.request('GET', '/api/v1/reports')).json?.reports).to.have.length(1);
      const deleted = await viewer.request('DELETE', `/api/v1/reports/${id}`, {
        headers: { 'x-csrf-token': viewerCsrf },
      });
      expect(deleted.status).to.equal(403);
    });
  });

  describe('when a report runs', () => {
    it('should mail yesterday as CSV to its recipients, and record the run', async () => {
      await workers.start(workers.config(workerYaml(smtp.port)), 'one');
      const created = await create(analyst, analystCsrf, reportBody());
      const id = (created.json?.report as { id: string }).id;
      const run = await analyst.request('POST', `/api/v1/reports/${id}/run`, {
        headers: { 'x-csrf-token': analystCsrf },
      });
      expect(run.status).to.equal(202);

      await waitFor('the report mail', () => (smtp.messages.length >= 1 ? true : undefined));
      const mail = smtp.messages[0];
      const yesterday = reportPeriod('yesterday', new Date(), ZONE);
      expect(mail?.from).to.equal('reports@example.com');
      expect(mail?.to).to.deep.equal(['ana@example.com', 'boss@sales.example.com']);
      expect(mail?.subject).to.equal(`Quoteflow report: Daily broker volume (${yesterday.label})`);
      const attachment = mailAttachment(mail?.raw ?? '');
      expect(attachment?.filename).to.equal(`daily-broker-volume-${yesterday.label}.csv`);
      const lines =
        attachment?.content
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .split('\r\n') ?? [];
      expect(lines[0]).to.match(/^period,start \(Europe\/Rome\),source,quotes,demands,duplicates,/);
      expect(lines.slice(1, 3).map((line) => line.split(',').slice(0, 6))).to.deep.equal([
        [yesterday.label, `${yesterday.label} 00:00:00`, 'autoeurope', '3', '3', '0'],
        [yesterday.label, `${yesterday.label} 00:00:00`, 'rentalcars', '7', '5', '2'],
      ]);
      expect(lines.slice(3)).to.deep.equal(['']);

      const detail = await waitFor('the recorded run', async () => {
        const response = await analyst.request('GET', `/api/v1/reports/${id}`);
        const report = response.json?.report as { lastRun: unknown } | undefined;
        return report?.lastRun ? response.json : undefined;
      });
      expect((detail.runs as Record<string, unknown>[])[0]).to.include({
        status: 'delivered',
        rows: 2,
        from: yesterday.from,
        to: yesterday.to,
        file: `daily-broker-volume-${yesterday.label}.csv`,
      });
      expect(detail.report).to.have.nested.property('lastRun.status', 'delivered');
    });

    it('should write it into the reports directory on its schedule, once per tick with two workers', async () => {
      await workers.start(workers.config(workerYaml(smtp.port)), 'one');
      await workers.start(workers.config(workerYaml(smtp.port)), 'two');
      const created = await create(
        analyst,
        analystCsrf,
        reportBody({
          delivery: 'directory',
          recipients: [],
          schedule: '* * * * * *',
          format: 'xlsx',
          groupBy: null,
        }),
      );
      expect(created.status, created.text).to.equal(201);
      const id = (created.json?.report as { id: string }).id;
      const runs = await waitFor('three runs', async () => {
        const list = (await analyst.request('GET', `/api/v1/reports/${id}`)).json?.runs as
          { at: string; status: string }[] | undefined;
        return list && list.length >= 3 ? list : undefined;
      });
      expect(runs.every((run) => run.status === 'delivered')).to.equal(true);
      // One run per tick whatever the number of workers.
      expect(new Set(runs.map((run) => run.at)).size).to.equal(runs.length);
      const folder = join(directory, `daily-broker-volume-${id.slice(0, 8)}`);
      const yesterday = reportPeriod('yesterday', new Date(), ZONE);
      expect(await readdir(folder)).to.deep.equal([`daily-broker-volume-${yesterday.label}.xlsx`]);
      const bytes = await readFile(join(folder, `daily-broker-volume-${yesterday.label}.xlsx`));
      expect(bytes.subarray(0, 2).toString('latin1')).to.equal('PK');

      const deleted = await analyst.request('DELETE', `/api/v1/reports/${id}`, {
        headers: { 'x-csrf-token': analystCsrf },
      });
      expect(deleted.status).to.equal(204);
      expect(await queue.getJobScheduler(reportSchedulerId(id))).to.equal(undefined);
    });

    it('should retry a failing mail server with backoff and show every failed attempt', async () => {
      await smtp.close();
      await workers.start(workers.config(workerYaml(smtp.port)), 'one');
      const created = await create(analyst, analystCsrf, reportBody());
      const id = (created.json?.report as { id: string }).id;
      await analyst.request('POST', `/api/v1/reports/${id}/run`, {
        headers: { 'x-csrf-token': analystCsrf },
      });
      const runs = await waitFor('two failed attempts', async () => {
        const list = (await analyst.request('GET', `/api/v1/reports/${id}`)).json?.runs as
          { status: string; attempt: number; error: string }[] | undefined;
        return list && list.length >= 2 ? list : undefined;
      });
      expect(runs.map((run) => [run.status, run.attempt, run.error]).sort()).to.deep.equal([
        ['failed', 1, `mail through 127.0.0.1:${smtp.port} failed (ESOCKET)`],
        ['gave_up', 2, `mail through 127.0.0.1:${smtp.port} failed (ESOCKET)`],
      ]);
      // The pipeline view's worker row counts them and shows the last one.
      const row = await waitFor('the worker row counting both failures', async () => {
        const doc: Record<string, unknown> | null = await workers.rethink.run(
          r.db(workers.db).table('pipeline_status').get<Record<string, unknown>>('worker:one'),
        );
        return doc?.reportsFailed === 2 ? doc : undefined;
      });
      expect(row).to.include({
        reportsDelivered: 0,
        lastFailure: `report ${id}: mail through 127.0.0.1:${smtp.port} failed (ESOCKET)`,
      });
    });
  });

  describe('when Redis lost the schedules', () => {
    it('should register every stored report again when a worker starts', async () => {
      const created = await create(analyst, analystCsrf, reportBody());
      const id = (created.json?.report as { id: string }).id;
      await queue.removeJobScheduler(reportSchedulerId(id));
      expect(await queue.getJobScheduler(reportSchedulerId(id))).to.equal(undefined);
      await workers.start(workers.config(workerYaml(smtp.port)), 'one');
      expect(await queue.getJobScheduler(reportSchedulerId(id))).to.include({
        pattern: '0 6 * * *',
        tz: ZONE,
      });
    });
  });
});
