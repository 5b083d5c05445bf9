import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import type { AlertStore } from '../../lib/alerts/alert-store.js';
import type { AlertsConfig } from '../../lib/config/worker-schema.js';
import { errorMessage, isRetriable } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { NotificationJobData } from '../queues.js';
import { NOTIFICATIONS_QUEUE } from '../queues.js';
import type { Notice } from './apply-outcome.js';
import type { Sender } from './senders.js';

export interface NotificationJobsOptions {
  config: AlertsConfig;
  redis: Redis;
  prefix: string;
  alerts: AlertStore;
  senders: Sender[];
  logger: Logger;
  clock: () => Date;
  /** `quoteflow_worker_notifications_total{channel,outcome}`. */
  deliveries: Counter;
}

/**
 * The `notifications` queue: one job per alert notice and channel, retried with exponential
 * backoff, every delivery and failed attempt written into the alert's history.
 */
export class NotificationJobs {
  private readonly queue: Queue<NotificationJobData>;

  constructor(private readonly options: NotificationJobsOptions) {
    this.queue = new Queue<NotificationJobData>(NOTIFICATIONS_QUEUE, {
      connection: options.redis,
      prefix: options.prefix,
    });
  }

  /**
   * One job per channel, then the notice leaves the alert's outbox. The job id is derived from
   * the alert revision that decided it, so a retried check job or the outbox sweep that reaches
   * this point again adds nothing twice while the job is kept in Redis.
   */
  async enqueue(notice: Notice): Promise<void> {
    const { deliveryAttempts, deliveryBackoffMs } = this.options.config;
    for (const sender of this.options.senders) {
      const jobId = createHash('sha256')
        .update(`${notice.alert.id}\n${notice.alert.revision}\n${sender.channel}`)
        .digest('hex')
        .slice(0, 40);
      await this.queue.add(
        `${notice.state}:${sender.channel}`,
        { channel: sender.channel, state: notice.state, alert: notice.alert },
        {
          jobId,
          attempts: deliveryAttempts,
          backoff: { type: 'exponential', delay: deliveryBackoffMs },
          removeOnComplete: { count: 500 },
          removeOnFail: { count: 1000 },
        },
      );
    }
    await this.options.alerts.clearOutbox(notice.alert.id, notice.alert.revision);
  }

  async deliver(job: Job<NotificationJobData>): Promise<void> {
    const { channel, state, alert } = job.data;
    const { deliveries } = this.options;
    const sender = this.options.senders.find((candidate) => candidate.channel === channel);
    if (!sender) throw new UnrecoverableError(`channel ${channel} is no longer configured`);
    try {
      await sender.send({ state, alert });
    } catch (error) {
      deliveries.inc({ channel, outcome: 'failed' });
      // Permanent (a 4xx from the webhook, a 5xx SMTP answer): retrying cannot help.
      if (!isRetriable(error)) throw new UnrecoverableError(errorMessage(error));
      throw error;
    }
    deliveries.inc({ channel, outcome: 'delivered' });
    await this.options.alerts.addEvents([
      {
        alertId: alert.id,
        check: alert.check,
        subject: alert.subject,
        type: 'notified',
        at: this.options.clock().toISOString(),
        summary: `${state} notification delivered by ${channel}`,
        channel,
        attempt: job.attemptsMade + 1,
      },
    ]);
  }

  /** Every failed attempt goes into the alert's history; the last one says the notification gave up. */
  async failed(job: Job<NotificationJobData>, error: Error): Promise<void> {
    const { channel, state, alert } = job.data;
    const message = errorMessage(error);
    const attempts = job.opts.attempts ?? 1;
    const gaveUp = job.attemptsMade >= attempts || error instanceof UnrecoverableError;
    this.options.logger.warn(
      { alert: alert.id, channel, attempt: job.attemptsMade, err: message, gaveUp },
      'notification failed',
    );
    try {
      await this.options.alerts.addEvents([
        {
          alertId: alert.id,
          check: alert.check,
          subject: alert.subject,
          type: gaveUp ? 'delivery_gave_up' : 'delivery_failed',
          at: this.options.clock().toISOString(),
          summary: gaveUp
            ? `${state} notification by ${channel} failed ${job.attemptsMade} times; given up`
            : `${state} notification by ${channel} failed; retrying with backoff`,
          channel,
          attempt: job.attemptsMade,
          error: message,
        },
      ]);
    } catch (writeError) {
      this.options.logger.warn({ err: errorMessage(writeError) }, 'cannot record a failed notification');
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    for (const sender of this.options.senders) sender.close();
  }
}
