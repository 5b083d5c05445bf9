import type { Logger } from 'pino';
import type { FeedChange } from '../../lib/rethinkdb/changefeed-follower.js';
import { ChangefeedFollower } from '../../lib/rethinkdb/changefeed-follower.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { Link } from './link.js';

/**
 * Every link in memory, so a redirect is answered without a database round trip, kept current by
 * a changefeed on the whole `links` table (lib/rethinkdb/changefeed-follower.ts: feed, then the
 * table read through a cursor, then the changes that came meanwhile; again after a reconnect).
 * A reload builds a new map and swaps it in, so redirects keep being answered from the old one
 * while the table is read.
 */
export class LinkCache {
  private links = new Map<string, Link>();
  private readonly follower: ChangefeedFollower<Link>;

  constructor(options: { client: RethinkdbClient; logger: Logger }) {
    const { logger } = options;
    this.follower = new ChangefeedFollower<Link>({
      client: options.client,
      logger,
      table: 'links',
      snapshot: (table) => table,
      load: async (rows) => {
        const links = new Map<string, Link>();
        for await (const link of rows) links.set(link.code, link);
        this.links = links;
        logger.info({ links: links.size }, 'links loaded; following changes');
      },
      apply: (change) => {
        this.applyChange(change);
      },
    });
  }

  /** True once the table has been read at least once. */
  get ready(): boolean {
    return this.follower.loaded;
  }

  get(code: string): Link | undefined {
    return this.links.get(code);
  }

  start(): void {
    this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower.stop();
  }

  private applyChange(change: FeedChange<Link>): void {
    if (change.old_val && change.old_val.code !== change.new_val?.code)
      this.links.delete(change.old_val.code);
    if (change.new_val) this.links.set(change.new_val.code, change.new_val);
  }
}
