import type { Job } from 'bullmq';
import { Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../lib/config/schema.js';
import { errorMessage, isPermanent } from '../../lib/errors.js';
import type { ReportJobData } from '../../lib/jobs/job-queues.js';
import {
  REPORTS_QUEUE,
  reportSchedulerId,
  scheduleReport,
  unscheduleReport,
} from '../../lib/jobs/job-queues.js';
import type { Logger } from '../../lib/logger.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { ReportStore } from '../../dashboard/reports/report-store.js';
import type { ReportMailer } from './report-mailer.js';
import { reportMailer } from './report-mailer.js';
import { runReport, slug } from './run-report.js';

export interface ReportJobsOptions {
  config: Pick<Config, 'worker' | 'kpi'>;
  redis: Redis;
  db: RethinkdbClient;
  logger: Logger;
  clock: () => Date;
  /** Replaces the SMTP mailer the config names (tests). */
  mailer?: ReportMailer;
}

/**
 * The `reports` queue: one BullMQ job scheduler per saved report (`report:<id>`, its cron in the
 * KPI time zone), upserted by the dashboard when a report is saved and by every worker at start
 * from the `reports` table (so a Redis that lost its data gets them back), and the runs.
 */
export class ReportJobs {
  readonly queue: Queue<ReportJobData>;
  readonly store: ReportStore;
  private readonly mailer: ReportMailer;

  constructor(private readonly options: ReportJobsOptions) {
    const { config } = options;
    this.queue = new Queue<ReportJobData>(REPORTS_QUEUE, {
      connection: options.redis,
      prefix: config.worker.queuePrefix,
    });
    this.store = new ReportStore(options.db);
    this.mailer = options.mailer ?? reportMailer(config.worker.alerts.email.smtp, config.worker.reports.from);
  }

  private get retry() {
    const { attempts, backoffMs } = this.options.config.worker.reports;
    return { attempts, backoffMs };
  }

  /** Upserts a scheduler for every stored report and removes those of reports that are gone. */
  async register(): Promise<void> {
    const reports = await this.store.list();
    const wanted = new Set(reports.map((report) => reportSchedulerId(report.id)));
    for (const report of reports) {
      await scheduleReport(this.queue, report, this.options.config.kpi.timezone, this.retry);
    }
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (scheduler.key.startsWith('report:') && !wanted.has(scheduler.key)) {
        await this.queue.removeJobScheduler(scheduler.key);
      }
    }
  }

  /**
   * One run. The period is relative to the tick the job was made for (`prevMillis` of a
   * scheduler's job), not to when a worker got to it, so a late or retried run sends the same file.
   */
  async process(job: Job<ReportJobData>): Promise<Record<string, unknown>> {
    const { reportId } = job.data;
    const at = new Date(job.opts.prevMillis ?? job.timestamp);
    let run;
    try {
      run = await runReport(reportId, at, job.attemptsMade + 1, {
        db: this.options.db,
        reports: this.store,
        mailer: this.mailer,
        config: this.options.config.worker.reports,
        zone: this.options.config.kpi.timezone,
        clock: this.options.clock,
      });
    } catch (error) {
      // A 5xx from the SMTP server, no directory configured: retrying cannot help.
      if (isPermanent(error)) throw new UnrecoverableError(errorMessage(error));
      throw error;
    }
    if (!run) {
      // Deleted since: its scheduler goes too (the dashboard removes it, this covers a race).
      await unscheduleReport(this.queue, reportId);
      return { report: 'gone' };
    }
    await this.store.recordRun(run);
    this.options.logger.info({ report: reportId, file: run.file, rows: run.rows }, 'report delivered');
    return { file: run.file, rows: run.rows };
  }

  /** Every failed attempt is in the report's run history; the last one says it gave up. */
  async failed(job: Job<ReportJobData>, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    const gaveUp = job.attemptsMade >= attempts || error instanceof UnrecoverableError;
    const report = await this.store.get(job.data.reportId).catch(() => undefined);
    if (!report) return;
    const at = new Date(job.opts.prevMillis ?? job.timestamp);
    try {
      await this.store.recordRun({
        reportId: report.id,
        at: at.toISOString(),
        finishedAt: this.options.clock().toISOString(),
        status: gaveUp ? 'gave_up' : 'failed',
        attempt: job.attemptsMade,
        from: '',
        to: '',
        rows: 0,
        file: `${slug(report.name)}.${report.format}`,
        error: errorMessage(error),
      });
    } catch (writeError) {
      this.options.logger.warn({ err: errorMessage(writeError) }, 'cannot record a failed report run');
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.mailer.close();
  }
}
