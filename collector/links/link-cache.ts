import type { Logger } from 'pino';
import r from 'rethinkdb';
import { QuoteflowError } from '../../lib/errors.js';
import { retry } from '../../lib/retry.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { Link } from './link.js';

interface Change {
  new_val: Link | null;
  old_val: Link | null;
}

/**
 * Every link in memory, so a redirect is answered without a database round trip, kept current by
 * a changefeed on the whole `links` table. Since a feed carries no initial values (and does not
 * survive a reconnect), it opens the feed first, reads the table, then applies the changes that
 * arrived meanwhile, and does all of it again after a reconnect or a feed error.
 */
export class LinkCache {
  private links = new Map<string, Link>();
  private loaded = false;
  private readonly abort = new AbortController();
  private feed: r.Cursor | undefined;
  private running: Promise<void> | undefined;
  /** Ends the wait on the current feed (closing a cursor does not always end `each`). */
  private interrupt: (() => void) | undefined;
  private readonly onReconnect = () => {
    this.interrupt?.();
    void this.feed?.close().catch(() => undefined);
  };

  constructor(private readonly options: { client: RethinkdbClient; logger: Logger }) {}

  /** True once the table has been read at least once. */
  get ready(): boolean {
    return this.loaded;
  }

  get(code: string): Link | undefined {
    return this.links.get(code);
  }

  start(): void {
    this.options.client.on('reconnected', this.onReconnect);
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.options.client.off('reconnected', this.onReconnect);
    this.interrupt?.();
    await this.feed?.close().catch(() => undefined);
    await this.running;
  }

  private async loop(): Promise<void> {
    const { logger } = this.options;
    await retry((_attempt, progress) => this.follow(progress), {
      signal: this.abort.signal,
      backoff: { initialMs: 200, maxMs: 10_000 },
      // Until stopped: RethinkDB comes back, and a reload is all it takes.
      isRetriable: () => true,
      onRetry: (error, attempt) => {
        const ended = error instanceof QuoteflowError && error.code === 'LINKS_FEED_ENDED';
        logger[ended ? 'info' : 'warn']({ attempt, err: error }, 'links feed ended; reloading');
      },
    }).catch((error: unknown) => {
      if (!this.abort.signal.aborted) logger.error({ err: error }, 'links cache stopped following changes');
    });
  }

  /** One session: open the feed, read the table, apply what came meanwhile, follow until it ends. */
  private async follow(progress: () => void): Promise<void> {
    const { client, logger } = this.options;
    const table = r.db(client.db).table('links');
    const connection = await client.connection();
    const feed = await table.changes().run(connection);
    this.feed = feed;
    try {
      const early: Change[] = [];
      let apply: (change: Change) => void = (change) => {
        early.push(change);
      };
      const interrupted = new Promise<void>((resolve) => {
        this.interrupt = resolve;
      });
      const finished = new Promise<void>((resolve, reject) => {
        feed.each(
          (error: Error | null, change: Change) => {
            if (error) {
              reject(error);
              return false;
            }
            apply(change);
            return true;
          },
          () => {
            resolve();
          },
        );
      });
      // Seen by the race below; until then a feed error must not count as unhandled.
      finished.catch(() => undefined);
      const rows = (await client.run(table.coerceTo('array'))) as unknown as Link[];
      this.links = new Map(rows.map((link) => [link.code, link]));
      apply = (change) => {
        this.applyChange(change);
      };
      for (const change of early) this.applyChange(change);
      this.loaded = true;
      progress();
      logger.info({ links: this.links.size }, 'links loaded; following changes');
      await Promise.race([finished, interrupted]);
    } finally {
      this.feed = undefined;
      await feed.close().catch(() => undefined);
    }
    if (!this.abort.signal.aborted) {
      throw new QuoteflowError('LINKS_FEED_ENDED', 'the links feed ended (reconnect)', { retriable: true });
    }
  }

  private applyChange(change: Change): void {
    if (change.old_val && change.old_val.code !== change.new_val?.code)
      this.links.delete(change.old_val.code);
    if (change.new_val) this.links.set(change.new_val.code, change.new_val);
  }
}
