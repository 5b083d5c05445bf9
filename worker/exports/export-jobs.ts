import type { Job } from 'bullmq';
import { Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../lib/config/schema.js';
import { errorMessage, isPermanent } from '../../lib/errors.js';
import type { ExportJobData } from '../../lib/jobs/job-queues.js';
import { EXPORTS_QUEUE } from '../../lib/jobs/job-queues.js';
import type { Logger } from '../../lib/logger.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { ExportStore } from '../../dashboard/exports/export-store.js';
import { expireExports } from './expire-exports.js';
import { runExport } from './run-export.js';

export interface ExportJobsOptions {
  config: Pick<Config, 'worker' | 'kpi'>;
  redis: Redis;
  db: RethinkdbClient;
  logger: Logger;
  clock: () => Date;
}

/**
 * The `exports` queue: one job per background export (job id = export id), queued by the
 * dashboard. Progress goes into the job (BullMQ publishes it; the dashboard pushes it to the
 * owner's browser) and into the export's document (what a browser reads when it connects).
 */
export class ExportJobs {
  readonly store: ExportStore;
  readonly queue: Queue<ExportJobData>;

  constructor(private readonly options: ExportJobsOptions) {
    this.store = new ExportStore(options.db);
    this.queue = new Queue<ExportJobData>(EXPORTS_QUEUE, {
      connection: options.redis,
      prefix: options.config.worker.queuePrefix,
    });
  }

  async process(job: Job<ExportJobData>): Promise<Record<string, unknown>> {
    const { config } = this.options;
    try {
      // attemptsStarted, not attemptsMade: a run whose worker died (a stalled job) counts too.
      const doc = await runExport(job.data.exportId, job.attemptsStarted, {
        db: this.options.db,
        exports: this.store,
        config: config.worker.exports,
        zone: config.kpi.timezone,
        clock: this.options.clock,
        progress: (progress) => job.updateProgress({ ...progress }),
      });
      return { state: doc?.state ?? 'gone', rows: doc?.rows ?? 0 };
    } catch (error) {
      const permanent = isPermanent(error);
      // Written before the job fails, so the dashboard, told by the queue's `failed` event, reads
      // the export's final state (the `failed` handler below covers a job failed as stalled).
      await this.recordFailure(job, error, permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      if (permanent) throw new UnrecoverableError(errorMessage(error));
      throw error;
    }
  }

  private async recordFailure(job: Job<ExportJobData>, error: unknown, gaveUp: boolean): Promise<void> {
    try {
      await this.store.update(job.data.exportId, {
        state: gaveUp ? 'failed' : 'queued',
        error: gaveUp
          ? errorMessage(error)
          : `attempt ${job.attemptsMade + 1} failed, retrying: ${errorMessage(error)}`,
        finishedAt: gaveUp ? this.options.clock().toISOString() : null,
      });
    } catch (writeError) {
      this.options.logger.warn({ err: errorMessage(writeError) }, 'cannot record a failed export');
    }
  }

  /**
   * A job that failed outside `process` (stalled too often, its worker dying each time) is marked
   * failed here; one that failed inside was recorded before it failed.
   */
  async failed(job: Job<ExportJobData>, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade >= attempts || error instanceof UnrecoverableError) {
      const doc = await this.store.get(job.data.exportId).catch(() => undefined);
      if (doc && doc.state !== 'failed') await this.recordFailure(job, error, true);
    }
  }

  /** Deletes the files of expired exports (a maintenance task). */
  expire(now: Date): Promise<number> {
    return expireExports({
      exports: this.store,
      directory: this.options.config.worker.exports.directory,
      now,
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
