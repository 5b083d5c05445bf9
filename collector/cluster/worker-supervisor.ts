import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { backoffDelay } from '../../lib/backoff.js';
import { QuoteflowError } from '../../lib/errors.js';
import type { WorkerSlot } from './spool-layout.js';

/** Environment variable that tells a forked process which worker it is. */
export const WORKER_ENV = 'QUOTEFLOW_COLLECTOR_WORKER';
/** The primary's IPC message asking a worker to stop gracefully. */
export const SHUTDOWN_MESSAGE = 'quoteflow:shutdown';

/** The worker slot of this process when the supervisor forked it, else undefined. */
export function workerSlotFromEnv(count: number, env = process.env): WorkerSlot | undefined {
  const value = env[WORKER_ENV];
  if (value === undefined || !cluster.isWorker) return undefined;
  const index = Number(value);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new QuoteflowError('CONFIG_INVALID', `${WORKER_ENV}: must be a worker number below ${count}`);
  }
  return { index, count };
}

export interface WorkerSupervisorOptions {
  count: number;
  logger: Logger;
  /** A worker that exits before living this long failed to start. Default 10 s. */
  startupMs?: number;
  /** After this many failed starts in a row of one worker, the collector gives up. Default 5. */
  maxFailedStarts?: number;
  /** How long stop() lets workers flush before killing them. Default 35 s. */
  stopGraceMs?: number;
}

/**
 * The collector's primary process: forks the HTTP workers (they share the listening port), forks
 * again a worker that dies, with backoff, and stops them all gracefully on `stop`. A worker that
 * keeps failing at start-up (port taken, broken config) ends the collector with an error rather
 * than a restart loop. Worker n keeps its number across restarts, so it finds its spool again.
 */
export class WorkerSupervisor {
  private readonly workers = new Map<number, { worker: Worker; startedAt: number }>();
  private readonly failedStarts = new Map<number, number>();
  private stopping = false;
  private failure: Error | undefined;
  private allExited: (() => void) | undefined;
  private readonly onFailure: Promise<Error>;
  private fail: (error: Error) => void = () => undefined;

  constructor(private readonly options: WorkerSupervisorOptions) {
    this.onFailure = new Promise((resolve) => {
      this.fail = resolve;
    });
  }

  start(): void {
    for (let index = 0; index < this.options.count; index++) this.fork(index);
  }

  /** Resolves with the error when the workers cannot be kept running. */
  failed(): Promise<Error> {
    return this.onFailure;
  }

  /** Asks every worker to stop (each flushes its events to Kafka or its spool) and waits. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.workers.size > 0) {
      const exited = new Promise<void>((resolve) => {
        this.allExited = resolve;
      });
      for (const { worker } of this.workers.values()) {
        if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
        else worker.process.kill('SIGTERM');
      }
      const timer = setTimeout(() => {
        for (const { worker } of this.workers.values()) worker.process.kill('SIGKILL');
      }, this.options.stopGraceMs ?? 35_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.failure) throw this.failure;
  }

  private fork(index: number): void {
    const worker = cluster.fork({ [WORKER_ENV]: String(index) });
    this.workers.set(index, { worker, startedAt: Date.now() });
    worker.on('exit', (code, signal) => {
      this.exited(index, worker, code, signal);
    });
  }

  private exited(index: number, worker: Worker, code: number | null, signal: string | null): void {
    const entry = this.workers.get(index);
    if (entry?.worker !== worker) return;
    this.workers.delete(index);
    const { logger } = this.options;
    if (this.stopping) {
      if (code !== 0) {
        this.failure ??= new QuoteflowError(
          'WORKER_FAILED',
          `worker ${index} stopped with ${signal ?? code}`,
        );
      }
      if (this.workers.size === 0) this.allExited?.();
      return;
    }
    const quick = Date.now() - entry.startedAt < (this.options.startupMs ?? 10_000);
    const failures = quick ? (this.failedStarts.get(index) ?? 0) + 1 : 0;
    this.failedStarts.set(index, failures);
    if (failures >= (this.options.maxFailedStarts ?? 5)) {
      logger.error(
        { worker: index, code, signal, failures },
        'collector worker keeps failing at start; giving up',
      );
      this.failure = new QuoteflowError(
        'WORKER_FAILED',
        `worker ${index} failed ${failures} times at start-up`,
      );
      this.fail(this.failure);
      return;
    }
    const delay = backoffDelay(failures, 500, 10_000);
    logger.error(
      { worker: index, code, signal, restartInMs: delay },
      'collector worker died; starting it again',
    );
    // Not unref'd: with every worker dead this timer is all that keeps the supervisor alive.
    setTimeout(() => {
      if (!this.stopping) this.fork(index);
    }, delay);
  }
}
