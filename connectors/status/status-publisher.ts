import r from 'rethinkdb';
import type { Logger } from '../../lib/logger.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { SourceStatus } from '../source-status.js';
import { statusDocument } from './status-document.js';

export interface StatusPublisherOptions {
  client: RethinkdbClient;
  statuses: () => readonly SourceStatus[];
  intervalMs: number;
  logger: Logger;
  clock?: () => Date;
}

/**
 * Writes each source's status to RethinkDB table pipeline_status every `intervalMs`, where the
 * dashboard reads it. A failed write is logged and retried on the next tick: status never stops
 * the data flowing.
 */
export class StatusPublisher {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(private readonly options: StatusPublisherOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      void this.publish();
    }, this.options.intervalMs);
    void this.publish();
  }

  /** Writes the current statuses once (the last call waits for the one before). */
  publish(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.publish();
  }

  private async write(): Promise<void> {
    const { client, statuses, logger } = this.options;
    const now = this.options.clock?.() ?? new Date();
    const documents = statuses().map((status) => statusDocument(status, now));
    if (documents.length === 0) return;
    try {
      await client.run(r.db(client.db).table('pipeline_status').insert(documents, { conflict: 'replace' }));
      if (this.failing) logger.info('pipeline_status writes work again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) logger.warn({ err: error }, 'cannot write pipeline_status; will retry');
      this.failing = true;
    }
  }
}
