import type { Knex } from 'knex';
import { backoffDelay } from '../lib/backoff.js';
import type { ConnectorsConfig, SourceConfig } from '../lib/config/schema.js';
import type { Logger } from '../lib/logger.js';
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

  private stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    const { source, logger, backoff } = this.options;
    const log = logger.child({ source: source.name });
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      const db = (this.options.createDb ?? createSourceDb)(source, log);
      try {
        await db.raw('select 1');
        this.status.state = 'running';
        if (attempt > 0) log.info({ attempt }, 'source reachable again');
        attempt = -1;
        await this.options.reader.run(db, this.abort.signal, this.status);
      } catch (error) {
        if (this.stopping()) break;
        const failure = sourceError(source, error);
        this.status.state = 'failing';
        this.status.lastError = failure.message;
        this.status.lastErrorAt = new Date().toISOString();
        const delay = backoffDelay(
          Math.max(0, attempt),
          backoff.reconnectInitialDelayMs,
          backoff.reconnectMaxDelayMs,
          this.options.random,
        );
        log.error({ err: failure.message, retryInMs: delay }, 'source failed; retrying');
        await abortableSleep(delay, this.abort.signal);
      } finally {
        await db.destroy().catch(() => undefined);
      }
    }
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
