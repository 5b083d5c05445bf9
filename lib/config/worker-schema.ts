import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/**
 * `worker`: the BullMQ worker's queues, its scheduled checks and where alerts go
 * (worker/README.md). Every check has `enabled` and `schedule` (a cron expression read in the KPI
 * time zone, five fields, or six with seconds first) and its own thresholds.
 */

/** A cron expression as BullMQ reads it (cron-parser); a bad one is named at config check. */
export const cronExpression = z.string().refine(
  (text) => {
    if (text.trim() === '') return false;
    try {
      CronExpressionParser.parse(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a cron expression such as "*/5 * * * *" (minute hour day month weekday)' },
);

const scheduled = (schedule: string) => ({
  enabled: z.boolean().default(true),
  schedule: cronExpression.default(schedule),
});

const clockTime = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'must be HH:MM (24-hour clock)' });

/** Days of the week, 0 = Sunday … 6 = Saturday (like cron). */
const businessHours = z
  .strictObject({
    days: z.array(z.int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
    from: clockTime.default('08:00'),
    to: clockTime.default('20:00'),
  })
  .refine((hours) => hours.from < hours.to, { message: 'from must be before to', path: ['to'] });

const email = z.string().regex(/^[^\s@]+@[A-Za-z0-9.-]+$/, { message: 'must be an email address' });

export const workerSchema = z
  .strictObject({
    /** Redis key prefix of the worker's BullMQ queues (several appliances may share one Redis). */
    queuePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, { message: 'must be letters, digits, _ . or -' })
      .default('qf'),
    /** Port of the /metrics and /healthz HTTP server (0: none). */
    httpPort: z.int().min(0).max(65535).default(9467),
    /** Jobs one worker process runs at once, per queue. */
    concurrency: z.int().min(1).max(32).default(2),
    /**
     * A job's lock lasts this long and is renewed while its worker lives; a job whose worker died
     * (SIGKILL, a lost machine) is taken up by another worker within about twice this time.
     */
    stalledJobMs: z.int().min(1000).default(30_000),
    /** How often this worker writes its job counts to pipeline_status (the pipeline view). */
    statusIntervalMs: z.int().min(100).default(10_000),
    checks: z
      .strictObject({
        /** A source that sent no new quote (or booking, for a bookings-only source) for too long. */
        freshness: z
          .strictObject({
            ...scheduled('*/5 * * * *'),
            maxQuietMinutes: z.int().min(1).default(60),
            /** Only alert within these hours of the KPI time zone; null: at any time. */
            businessHours: businessHours.nullable().default(null),
          })
          .prefault({}),
        /** Quotes of the last full hour per source (and source + pickup station) against the same hour of past weeks. */
        volume: z
          .strictObject({
            ...scheduled('5 * * * *'),
            /** How many previous weeks give the expectation (their median). */
            weeks: z.int().min(1).max(12).default(4),
            /** Fire when the hour has fewer than expected × lowRatio quotes… */
            lowRatio: z.number().min(0).max(1).default(0.5),
            /** …or more than expected × highRatio. */
            highRatio: z.number().min(1).default(2),
            /** No alert while the expectation is below this many quotes: small numbers swing. */
            minExpected: z.number().min(0).default(20),
            /** Also per source and pickup station, not only per source. */
            perStation: z.boolean().default(false),
          })
          .prefault({}),
        /** The last full hour's duplicate rate per source against the same hour of past weeks. */
        duplicateRate: z
          .strictObject({
            ...scheduled('10 * * * *'),
            weeks: z.int().min(1).max(12).default(4),
            /** Fire when the rate is this far from the expectation (absolute: 0.15 = 15 points). */
            maxDeviation: z.number().min(0).max(1).default(0.15),
            /** Judge an hour, and count a past week, only with at least this many quotes. */
            minQuotes: z.int().min(1).default(30),
            perStation: z.boolean().default(false),
          })
          .prefault({}),
        /**
         * Conversion of the demands first quoted on one day (old enough that each had ageDays to
         * convert, counting conversions within ageDays) against the same weekday of past weeks.
         */
        conversion: z
          .strictObject({
            ...scheduled('20 6 * * *'),
            /** Days every demand of the cohort had to convert; conversions later than that are not counted. */
            ageDays: z.int().min(1).max(60).default(3),
            weeks: z.int().min(1).max(12).default(4),
            /** Fire when the rate is this far from the expectation (absolute: 0.05 = 5 points). */
            maxDeviation: z.number().min(0).max(1).default(0.05),
            /** Judge a cohort, and count a past week, only with at least this many demands. */
            minDemands: z.int().min(1).default(50),
            perStation: z.boolean().default(false),
          })
          .prefault({}),
        /** Records that reached qf.dlq since the previous run. */
        deadLetters: z
          .strictObject({
            ...scheduled('*/5 * * * *'),
            /** Fire when more than this many new dead letters arrived since the previous run. */
            maxNew: z.int().min(0).default(0),
          })
          .prefault({}),
        /** Messages waiting for the processor on each topic (Kafka end offset − committed). */
        processorLag: z
          .strictObject({
            ...scheduled('*/5 * * * *'),
            maxMessages: z.int().min(0).default(10_000),
          })
          .prefault({}),
        /** Events a collector holds in its spool because Kafka is away or slow. */
        collectorSpool: z
          .strictObject({
            ...scheduled('*/5 * * * *'),
            maxRecords: z.int().min(0).default(10_000),
          })
          .prefault({}),
        /** A connector source in state `failing`, or one whose status is older than staleMinutes. */
        connectors: z
          .strictObject({
            ...scheduled('*/5 * * * *'),
            staleMinutes: z.int().min(1).default(10),
          })
          .prefault({}),
        /** `quoteflow check` (the stored rollups against a recomputation), nightly. */
        consistency: z
          .strictObject({
            ...scheduled('30 3 * * *'),
          })
          .prefault({}),
      })
      .prefault({}),
    alerts: z
      .strictObject({
        /**
         * An alert that fires again within this many minutes of its last firing notification is
         * not notified again (a flapping check sends one fire and one resolve per interval).
         */
        renotifyMinutes: z.number().min(0).default(60),
        /** Attempts per notification and channel before it is shown as failed (backoff doubles from 5 s). */
        deliveryAttempts: z.int().min(1).max(20).default(8),
        deliveryBackoffMs: z.int().min(10).default(5000),
        /**
         * The outbox sweep (cron, KPI time zone) queues notifications a worker decided but died
         * before queuing, once they are `outboxGraceMs` old.
         */
        outboxSweep: cronExpression.default('* * * * *'),
        outboxGraceMs: z.int().min(0).default(60_000),
        webhook: z
          .strictObject({
            /** POSTed JSON for every notification; empty: no webhook. Keep tokens out of the file: ${ALERT_WEBHOOK_URL}. */
            url: z
              .string()
              .refine((url) => url === '' || /^https?:\/\/[^\s]+$/.test(url), {
                message: 'must be an http:// or https:// URL',
              })
              .default(''),
            /** `json`: Quoteflow's alert document; `slack`: `{ text }` for Slack/Mattermost incoming webhooks. */
            format: z.enum(['json', 'slack']).default('json'),
            timeoutMs: z.int().min(100).default(10_000),
          })
          .prefault({}),
        email: z
          .strictObject({
            /** Recipients of alert mail; none: no mail. */
            to: z.array(email).default([]),
            from: email.default('quoteflow@localhost'),
            smtp: z
              .strictObject({
                host: z.string().min(1).default('localhost'),
                port: z.int().min(1).max(65535).default(587),
                /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
                secure: z.boolean().default(false),
                user: z.string().default(''),
                password: z.string().default(''),
                timeoutMs: z.int().min(100).default(10_000),
              })
              .prefault({}),
          })
          .prefault({}),
      })
      .prefault({}),
    /** Scheduled reports: saved explore queries, made by the worker and mailed or written to a directory. */
    reports: z
      .strictObject({
        /**
         * Where reports whose delivery is `directory` are written (a volume the analysts reach);
         * empty: reports can only be mailed.
         */
        directory: z.string().default(''),
        /** Sender of report mail; the mail goes through worker.alerts.email.smtp. */
        from: email.default('quoteflow@localhost'),
        /**
         * Mail domains reports may be sent to (company data leaves by mail); a recipient elsewhere
         * is refused when the report is saved. Empty: any domain.
         */
        recipientDomains: z
          .array(z.string().regex(/^[A-Za-z0-9.-]+$/, { message: 'must be a domain' }))
          .default([]),
        /** Attempts per run (a failing SMTP server), backing off from backoffMs, doubling. */
        attempts: z.int().min(1).max(20).default(6),
        backoffMs: z.int().min(10).default(30_000),
      })
      .prefault({}),
    /** Background exports: large record exports made by the worker, downloaded from the dashboard. */
    exports: z
      .strictObject({
        /** Where export files are written; the dashboard serves them from there (a shared volume). */
        directory: z.string().min(1).default('/var/lib/quoteflow/exports'),
        /** An export's file is deleted this many hours after it is done. */
        ttlHours: z.number().positive().default(24),
        /** When expired files are deleted (cron, KPI time zone). */
        cleanupSchedule: cronExpression.default('*/10 * * * *'),
        /** Exports one user may have queued or running at once (a 429 past it): a big export costs the store. */
        maxActivePerUser: z.int().min(1).max(100).default(3),
        /** Least time between two progress reports of one export. */
        progressIntervalMs: z.int().min(10).default(500),
        attempts: z.int().min(1).max(20).default(3),
        backoffMs: z.int().min(10).default(5_000),
      })
      .prefault({}),
  })
  .prefault({});

export type WorkerConfig = z.output<typeof workerSchema>;
export type ChecksConfig = WorkerConfig['checks'];
export type AlertsConfig = WorkerConfig['alerts'];
export type ReportsConfig = WorkerConfig['reports'];
export type ExportsConfig = WorkerConfig['exports'];
