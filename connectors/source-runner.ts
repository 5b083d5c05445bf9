import type { Knex } from 'knex';
import type { ConnectorsConfig, SourceConfig } from '../lib/config/schema.js';
import { QuoteflowError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { retry } from '../lib/retry.js';
import { createSourceDb } from '../lib/source-db.js';
import type { SourceStatus } from './source-status.js';
import { initialStatus } from './source-status.js';
import { sourceError } from './source-error.js';

/** One way of reading a source (poll or log): runs until stopped or until it throws. */
export interface SourceReader {
  /** Reads and delivers changes; resolves when `signal` aborts, rejects on a failure. */
  run(db: Knex, signal: AbortSignal, status: SourceStatus): Promise<void>;
}

export interface SourceRunnerOptions {
  source: SourceConfig;
  reader: SourceReader;
  logger: Logger;
  backoff: Pick<ConnectorsConfig, 'reconnectInitialDelayMs' | 'reconnectMaxDelayMs'>;
  /** Injected for tests; defaults to lib/source-db.ts. */
  createDb?: (source: SourceConfig, logger: Logger) => Knex;
  random?: () => number;
}

/**
 * The lifecycle of one source: connect, read, and on any failure (source down, wrong password, a
 * dropped column, Kafka unavailable) log it naming the source, wait with backoff and start again
 * from the committed offsets. One source failing never stops another: each has its own runner.
 */
export class SourceRunner {
  readonly status: SourceStatus;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: SourceRunnerOptions) {
    const { source } = options;
    this.status = initialStatus(source.name, source.mode, source.client);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.status.state = 'stopped';
  }

  private async run(): Promise<void> {
    const log = this.options.logger.child({ source: this.options.source.name });
    // A reader returns only when stopped; should one return anyway, it is started again.
    while (!this.abort.signal.aborted) {
      await this.connectAndRead(log).catch((error: unknown) => {
        if (!this.abort.signal.aborted) throw error;
      });
    }
  }

  /** Connects and reads until stopped, retrying every failure with backoff (`lib/retry.ts`). */
  private connectAndRead(log: Logger): Promise<void> {
    const { source, backoff } = this.options;
    return retry(
      async (attempt, progress) => {
        const db = (this.options.createDb ?? createSourceDb)(source, log);
        try {
          await db.raw('select 1');
          if (this.status.state === 'failing') log.info({ attempt }, 'source reachable again');
          this.status.state = 'running';
          // Reachable: the next failure backs off from the start again.
          progress();
          await this.options.reader.run(db, this.abort.signal, this.status);
        } finally {
          await db.destroy().catch(() => undefined);
        }
      },
      {
        signal: this.abort.signal,
        backoff: { initialMs: backoff.reconnectInitialDelayMs, maxMs: backoff.reconnectMaxDelayMs },
        // Every failure is retried: a source or Kafka may come back, and a bug shows as "failing".
        isRetriable: () => true,
        ...(this.options.random ? { random: this.options.random } : {}),
        onRetry: (error, _attempt, delay) => {
          // Kafka's failures are classified where they enter; the rest are the source's.
          const failure = error instanceof QuoteflowError ? error : sourceError(source, error);
          this.status.state = 'failing';
          this.status.lastError = failure.message;
          this.status.lastErrorAt = new Date().toISOString();
          log.error({ err: failure, retryInMs: delay }, 'source failed; retrying');
        },
      },
    );
  }
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
