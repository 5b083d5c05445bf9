import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { KafkaClient as Kafka } from '../lib/kafka/client-types.js';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import r from 'rethinkdb';
import { CHECK_NAMES, alertId, isCheckName } from '../lib/alerts/alert.js';
import { AlertStore } from '../lib/alerts/alert-store.js';
import type { Config } from '../lib/config/schema.js';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { METRIC_PREFIX } from '../lib/metrics.js';
import type { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import { applyOutcome } from './alerts/apply-outcome.js';
import type { Sender } from './alerts/senders.js';
import { configuredSenders } from './alerts/senders.js';
import { runCheck } from './checks/run-check.js';
import { NotificationJobs } from './alerts/notification-jobs.js';
import { sweepOutbox } from './alerts/outbox-sweep.js';
import type { CheckJobData, MaintenanceJobData, NotificationJobData } from './queues.js';
import { CHECKS_QUEUE, MAINTENANCE_QUEUE, NOTIFICATIONS_QUEUE, schedulerId } from './queues.js';
import { KafkaOffsets } from './readers/kafka-offsets.js';
import { ExportJobs } from './exports/export-jobs.js';
import { ReportJobs } from './reports/report-jobs.js';
import type { ReportMailer } from './reports/report-mailer.js';
import type { ExportJobData, ReportJobData } from '../lib/jobs/job-queues.js';
import { EXPORTS_QUEUE, REPORTS_QUEUE } from '../lib/jobs/job-queues.js';
import type { WorkerStatus } from './worker-status.js';

export interface WorkerServiceOptions {
  config: Pick<Config, 'worker' | 'kpi' | 'sources' | 'kafka' | 'resolution'>;
  /** A BullMQ-ready client (createRedis with forBullmq): BullMQ duplicates it for blocking reads. */
  redis: Redis;
  db: RethinkdbClient;
  kafka: Kafka;
  logger: Logger;
  registry: Registry;
  clock?: () => Date;
  /** Replaces the senders the config names (tests). */
  senders?: Sender[];
  /** Replaces the report mailer the config names (tests). */
  reportMailer?: ReportMailer;
  /** Identifies this process in pipeline_status; default `<host>:<pid>`. */
  instance?: string;
}

/**
 * `quoteflow worker`: BullMQ queues on Redis. `checks` holds one job scheduler per enabled check
 * (BullMQ makes one job per tick of a scheduler whatever the number of workers, and a job whose
 * worker died is taken up again once its lock expires); `notifications` holds one job per
 * notification and channel, retried with exponential backoff; `maintenance` the outbox sweep,
 * the report schedule sync and the expiry of export files; `reports` and `exports` the analysts'
 * scheduled reports and background exports (worker/reports/, worker/exports/). Redis holds queues,
 * not truth: the schedulers are upserted from the config and RethinkDB at every start; alerts,
 * reports and exports live in RethinkDB.
 */
export class WorkerService {
  private readonly checksQueue: Queue<CheckJobData>;
  private readonly notifications: NotificationJobs;
  private readonly maintenanceQueue: Queue<MaintenanceJobData>;
  private readonly workers: Worker[] = [];
  private readonly alerts: AlertStore;
  private readonly reports: ReportJobs;
  private readonly exports: ExportJobs;
  private readonly offsets: KafkaOffsets;
  private readonly clock: () => Date;
  private readonly status: WorkerStatus;
  private statusTimer: NodeJS.Timeout | undefined;
  private readonly jobs: Counter;
  private readonly deliveries: Counter;
  private readonly jobSeconds: Histogram;
  private running = false;
  /** Upserts the schedulers again when the Redis connection comes back (Redis may have restarted empty). */
  private readonly onRedisReady = () => {
    if (!this.running) return;
    this.registerSchedules().catch((error: unknown) => {
      this.options.logger.warn({ err: errorMessage(error) }, 'cannot register the schedules again');
    });
  };

  constructor(private readonly options: WorkerServiceOptions) {
    const { config, redis, registry } = options;
    const prefix = config.worker.queuePrefix;
    this.checksQueue = new Queue<CheckJobData>(CHECKS_QUEUE, { connection: redis, prefix });
    this.maintenanceQueue = new Queue<MaintenanceJobData>(MAINTENANCE_QUEUE, { connection: redis, prefix });
    this.alerts = new AlertStore(options.db);
    this.offsets = new KafkaOffsets(options.kafka);
    this.clock = options.clock ?? (() => new Date());
    const jobDeps = { config, redis, db: options.db, logger: options.logger, clock: this.clock };
    this.reports = new ReportJobs({
      ...jobDeps,
      ...(options.reportMailer ? { mailer: options.reportMailer } : {}),
    });
    this.exports = new ExportJobs(jobDeps);
    const now = this.clock().toISOString();
    this.status = {
      id: `worker:${options.instance ?? `${hostname()}:${process.pid}`}`,
      component: 'worker',
      checksCompleted: 0,
      checksFailed: 0,
      notificationsDelivered: 0,
      notificationsFailed: 0,
      reportsDelivered: 0,
      reportsFailed: 0,
      exportsDone: 0,
      exportsFailed: 0,
      lastFailure: null,
      lastFailureAt: null,
      startedAt: now,
      updatedAt: now,
    };
    this.jobs = new Counter({
      name: `${METRIC_PREFIX}worker_jobs_total`,
      help: 'Jobs this worker finished, by queue, job name and outcome (completed, failed)',
      labelNames: ['queue', 'name', 'outcome'],
      registers: [registry],
    });
    this.deliveries = new Counter({
      name: `${METRIC_PREFIX}worker_notifications_total`,
      help: 'Notification delivery attempts, by channel and outcome (delivered, failed)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    });
    this.notifications = new NotificationJobs({
      config: config.worker.alerts,
      redis,
      prefix,
      alerts: this.alerts,
      senders: options.senders ?? configuredSenders(config.worker.alerts),
      logger: options.logger,
      clock: this.clock,
      deliveries: this.deliveries,
    });
    this.jobSeconds = new Histogram({
      name: `${METRIC_PREFIX}worker_job_duration_seconds`,
      help: 'Time a job took, by queue and job name',
      labelNames: ['queue', 'name'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers: [registry],
    });
  }

  get healthy(): boolean {
    return this.running && this.workers.every((worker) => worker.isRunning());
  }

  /** Upserts the schedulers from the config, then starts taking jobs. */
  async start(): Promise<void> {
    await this.registerSchedules();
    const { config, redis } = this.options;
    const common = {
      connection: redis,
      prefix: config.worker.queuePrefix,
      concurrency: config.worker.concurrency,
      lockDuration: config.worker.stalledJobMs,
      stalledInterval: config.worker.stalledJobMs,
    };
    const checks = new Worker<CheckJobData>(CHECKS_QUEUE, (job) => this.runCheckJob(job), common);
    const notifications = new Worker<NotificationJobData>(
      NOTIFICATIONS_QUEUE,
      (job) => this.notifications.deliver(job),
      common,
    );
    const maintenance = new Worker<MaintenanceJobData>(
      MAINTENANCE_QUEUE,
      (job) => this.timed(MAINTENANCE_QUEUE, job, () => this.runMaintenance(job.data.task)),
      common,
    );
    const reports = new Worker<ReportJobData>(
      REPORTS_QUEUE,
      (job) => this.timed(REPORTS_QUEUE, job, () => this.reports.process(job)),
      common,
    );
    reports.on('completed', (_job, result: Record<string, unknown>) => {
      if (result.report !== 'gone') this.status.reportsDelivered += 1;
    });
    reports.on('failed', (job, error) => {
      this.status.reportsFailed += 1;
      this.recordFailure(`report ${job?.data.reportId ?? '?'}: ${errorMessage(error)}`);
      if (job) void this.reports.failed(job, error);
    });
    const exports = new Worker<ExportJobData>(
      EXPORTS_QUEUE,
      (job) => this.timed(EXPORTS_QUEUE, job, () => this.exports.process(job)),
      common,
    );
    exports.on('completed', () => {
      this.status.exportsDone += 1;
    });
    exports.on('failed', (job, error) => {
      this.status.exportsFailed += 1;
      this.recordFailure(`export ${job?.data.exportId ?? '?'}: ${errorMessage(error)}`);
      if (job) void this.exports.failed(job, error);
    });
    maintenance.on('failed', (job, error) => {
      this.recordFailure(`${job?.name ?? 'maintenance'}: ${errorMessage(error)}`);
    });
    checks.on('failed', (job, error) => {
      this.recordFailure(`check ${job?.name ?? '?'}: ${errorMessage(error)}`);
      this.status.checksFailed += 1;
    });
    notifications.on('completed', () => {
      this.status.notificationsDelivered += 1;
    });
    notifications.on('failed', (job, error) => {
      this.status.notificationsFailed += 1;
      if (!job) return;
      const { alert, channel } = job.data;
      this.recordFailure(
        `notification ${alertId(alert.check, alert.subject)} by ${channel}: ${errorMessage(error)}`,
      );
      void this.notifications.failed(job, error);
    });
    for (const worker of [checks, notifications, maintenance, reports, exports]) {
      worker.on('error', (error) => {
        this.options.logger.warn({ err: errorMessage(error) }, 'worker queue error');
      });
    }
    this.workers.push(checks, notifications, maintenance, reports, exports);
    this.running = true;
    redis.on('ready', this.onRedisReady);
    void this.writeStatus();
    this.statusTimer = setInterval(() => void this.writeStatus(), config.worker.statusIntervalMs);
    this.statusTimer.unref();
  }

  /**
   * The housekeeping schedulers, one per saved report (from RethinkDB), and one job scheduler per
   * enabled check, named `check:<name>`, with the check's cron pattern in the KPI time zone; the
   * scheduler of a disabled check is removed. Upserting the same scheduler from several workers at
   * once leaves one scheduler.
   */
  async registerSchedules(): Promise<void> {
    await this.registerMaintenance();
    // Reports come from RethinkDB: a store not reachable yet must not keep the checks from
    // starting; the reports-sync job registers them within 5 minutes.
    await this.reports.register().catch((error: unknown) => {
      this.options.logger.warn({ err: errorMessage(error) }, 'cannot register the report schedules yet');
    });
    const { worker, kpi } = this.options.config;
    for (const check of CHECK_NAMES) {
      const settings = worker.checks[check];
      if (!settings.enabled) {
        await this.checksQueue.removeJobScheduler(schedulerId(check));
        continue;
      }
      await this.checksQueue.upsertJobScheduler(
        schedulerId(check),
        { pattern: settings.schedule, tz: kpi.timezone },
        {
          name: check,
          data: { check },
          opts: { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } },
        },
      );
    }
  }

  /** Counts and times a job of the maintenance, reports and exports queues. */
  private async timed<T>(queue: string, job: Job, run: () => Promise<T>): Promise<T> {
    const stop = this.jobSeconds.startTimer({ queue, name: job.name });
    try {
      const result = await run();
      this.jobs.inc({ queue, name: job.name, outcome: 'completed' });
      return result;
    } catch (error) {
      this.jobs.inc({ queue, name: job.name, outcome: 'failed' });
      throw error;
    } finally {
      stop();
    }
  }

  /**
   * The housekeeping schedulers: the alert outbox sweep, the report schedules again from RethinkDB
   * (a report saved while Redis was unreachable is stored, its scheduler not), and the deletion of
   * expired export files.
   */
  private async registerMaintenance(): Promise<void> {
    const { worker, kpi } = this.options.config;
    const schedules: [string, string, MaintenanceJobData['task']][] = [
      ['sweep:outbox', worker.alerts.outboxSweep, 'outbox-sweep'],
      ['sync:reports', '*/5 * * * *', 'reports-sync'],
      ['cleanup:exports', worker.exports.cleanupSchedule, 'exports-cleanup'],
    ];
    for (const [id, pattern, task] of schedules) {
      await this.maintenanceQueue.upsertJobScheduler(
        id,
        { pattern, tz: kpi.timezone },
        {
          name: task,
          data: { task },
          opts: { removeOnComplete: { count: 50 }, removeOnFail: { count: 200 } },
        },
      );
    }
  }

  private async runMaintenance(task: MaintenanceJobData['task']): Promise<Record<string, unknown>> {
    switch (task) {
      case 'outbox-sweep': {
        const queued = await sweepOutbox({
          alerts: this.alerts,
          now: this.clock(),
          graceMs: this.options.config.worker.alerts.outboxGraceMs,
          enqueue: (notice) => this.notifications.enqueue(notice),
        });
        if (queued > 0) this.options.logger.warn({ queued }, 'queued notifications left in the outbox');
        return { queued };
      }
      case 'reports-sync':
        await this.reports.register();
        return {};
      case 'exports-cleanup':
        return { expired: await this.exports.expire(this.clock()) };
      default:
        throw new UnrecoverableError(`unknown maintenance task ${String(task)}`);
    }
  }

  /** Runs a check now, outside its schedule (the same path as a scheduled run). */
  async runNow(check: CheckJobData['check']): Promise<void> {
    await this.checksQueue.add(
      check,
      { check },
      { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } },
    );
  }

  private async runCheckJob(job: Job<CheckJobData>): Promise<Record<string, unknown>> {
    const { check } = job.data;
    if (!isCheckName(check)) throw new UnrecoverableError(`unknown check ${String(check)}`);
    const stop = this.jobSeconds.startTimer({ queue: CHECKS_QUEUE, name: check });
    try {
      const now = this.clock();
      const outcome = await runCheck(check, {
        config: this.options.config,
        db: this.options.db,
        alerts: this.alerts,
        kafka: this.offsets,
        now,
      });
      const applied = await applyOutcome(check, outcome, {
        alerts: this.alerts,
        now,
        renotifyMs: this.options.config.worker.alerts.renotifyMinutes * 60_000,
      });
      for (const notice of applied.notices) await this.notifications.enqueue(notice);
      this.jobs.inc({ queue: CHECKS_QUEUE, name: check, outcome: 'completed' });
      this.status.checksCompleted += 1;
      this.options.logger.debug({ check, fired: applied.fired, resolved: applied.resolved }, 'check ran');
      return {
        outcome: outcome.kind,
        fired: applied.fired,
        resolved: applied.resolved,
        notices: applied.notices.length,
      };
    } catch (error) {
      this.jobs.inc({ queue: CHECKS_QUEUE, name: check, outcome: 'failed' });
      throw error;
    } finally {
      stop();
    }
  }

  private recordFailure(message: string): void {
    this.status.lastFailure = message.slice(0, 500);
    this.status.lastFailureAt = this.clock().toISOString();
  }

  private async writeStatus(): Promise<void> {
    const { db, logger } = this.options;
    this.status.updatedAt = this.clock().toISOString();
    try {
      await db.run(
        r
          .db(db.db)
          .table('pipeline_status')
          .insert({ ...this.status }, { conflict: 'replace' }),
      );
    } catch (error) {
      logger.debug({ err: errorMessage(error) }, 'cannot write worker status');
    }
  }

  /** Waits for the jobs in hand (a check, a delivery) to finish, then lets go of everything. */
  async stop(): Promise<void> {
    this.running = false;
    this.options.redis.off('ready', this.onRedisReady);
    if (this.statusTimer) clearInterval(this.statusTimer);
    await Promise.all(this.workers.map((worker) => worker.close()));
    await this.checksQueue.close();
    await this.notifications.close();
    await this.maintenanceQueue.close();
    await this.reports.close();
    await this.exports.close();
    await this.offsets.close();
  }
}
