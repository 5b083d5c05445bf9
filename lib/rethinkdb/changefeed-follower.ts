import type { Logger } from 'pino';
import r from 'rethinkdb';
import { QuoteflowError } from '../errors.js';
import { retry } from '../retry.js';
import { cursorRows } from './cursor-rows.js';
import type { RethinkdbClient } from './rethinkdb-client.js';

/** One changefeed notification: a document created, changed (both values) or deleted. */
export interface FeedChange<T> {
  new_val: T | null;
  old_val: T | null;
}

export interface ChangefeedFollowerOptions<T> {
  client: RethinkdbClient;
  logger: Logger;
  /** The table whose changes are followed. */
  table: string;
  /**
   * The current contents to read once the feed is open, built anew for every session (a window
   * that moves with the clock is computed when it is read). Read through a cursor, so it may be
   * larger than RethinkDB's 100,000-element limit on arrays.
   */
  snapshot: (table: r.Table) => r.Sequence;
  /**
   * Takes the snapshot: the owner replaces (or refreshes) what it holds from these rows. A
   * failure while reading leaves the session to be retried; what the owner did with the rows
   * read so far is its choice (build aside and swap at the end to keep the old state meanwhile).
   */
  load: (rows: AsyncIterable<T>) => Promise<void>;
  /** Applies one change, always after the snapshot it follows has been loaded. */
  apply: (change: FeedChange<T>) => void;
  /** Backoff between sessions while RethinkDB is away; default 200 ms doubling to 10 s. */
  backoff?: { initialMs: number; maxMs: number };
}

/** What one session waits on; `interrupt` ends the wait (closing a cursor does not always end `each`). */
interface Session {
  feed: r.Cursor | undefined;
  interrupt: () => void;
  /** The feed's error, when it ended with one. */
  broken?: Error;
}

/**
 * Keeps an in-memory copy current from a RethinkDB table: "changefeed, then snapshot, then
 * replay". A feed carries no initial values and does not survive a reconnect or a server
 * restart, so each session opens the feed first, reads the snapshot, then applies the changes
 * that arrived meanwhile (buffered) and follows the feed until it ends; nothing written between
 * the snapshot and the feed is missed, and a change seen twice (in the snapshot and replayed)
 * must be harmless to `apply` — last writer wins, or versions decide. After a feed error, the
 * feed ending, or the client reconnecting, a new session starts, with backoff while the server
 * is away, until `stop()`.
 */
export class ChangefeedFollower<T> {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;
  private session: Session | undefined;
  private loadedOnce = false;
  private readonly onReconnect = () => {
    this.endSession();
  };

  constructor(private readonly options: ChangefeedFollowerOptions<T>) {}

  /** True once a snapshot has been loaded at least once. */
  get loaded(): boolean {
    return this.loadedOnce;
  }

  start(): void {
    if (this.running) return;
    this.options.client.on('reconnected', this.onReconnect);
    this.running = this.loop();
  }

  /** Ends the current session and the retries; does not wait for the server to answer. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.options.client.off('reconnected', this.onReconnect);
    this.endSession();
    await this.running;
  }

  /** A call, not a field read: the compiler must not assume it unchanged across awaits. */
  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  private endSession(): void {
    const session = this.session;
    if (!session) return;
    session.interrupt();
    // Not awaited: a server that went away may never answer the close.
    void session.feed?.close().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    const { logger, backoff = { initialMs: 200, maxMs: 10_000 } } = this.options;
    await retry((_attempt, progress) => this.follow(progress), {
      signal: this.stopping.signal,
      backoff,
      // Until stopped: RethinkDB comes back, and a new session is all it takes.
      isRetriable: () => true,
      onRetry: (error, attempt) => {
        const ended = error instanceof QuoteflowError && error.code === 'CHANGEFEED_ENDED' && !error.cause;
        logger[ended ? 'info' : 'warn']({ attempt, err: error }, 'changefeed ended; reloading');
      },
    }).catch((error: unknown) => {
      if (!this.stopping.signal.aborted) logger.error({ err: error }, 'stopped following changes');
    });
  }

  /** One session: open the feed, read the snapshot, replay what came meanwhile, follow until it ends. */
  private async follow(progress: () => void): Promise<void> {
    const { client, logger, table: name } = this.options;
    let endWait: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => {
      endWait = resolve;
    });
    const session: Session = { feed: undefined, interrupt: endWait };
    this.session = session;
    try {
      const table = r.db(client.db).table(name);
      const feed = await client.run(table.changes());
      session.feed = feed;
      if (this.isStopping()) return;
      const early: FeedChange<T>[] = [];
      let onChange = (change: FeedChange<T>) => {
        early.push(change);
      };
      feed.each((error: Error | null, change: FeedChange<T>) => {
        if (error) {
          session.broken = error;
          endWait();
          return false;
        }
        onChange(change);
        return true;
      }, endWait);
      const rows = await client.run(this.options.snapshot(table));
      await this.options.load(cursorRows<T>(rows));
      for (const change of early) this.options.apply(change);
      onChange = (change) => {
        this.options.apply(change);
      };
      this.loadedOnce = true;
      progress();
      logger.debug({ table: name }, 'snapshot loaded; following changes');
      await ended;
    } finally {
      if (this.session === session) this.session = undefined;
      void session.feed?.close().catch(() => undefined);
    }
    if (this.isStopping()) return;
    throw new QuoteflowError('CHANGEFEED_ENDED', `the ${name} changefeed ended; reloading`, {
      retriable: true,
      ...(session.broken ? { cause: session.broken } : {}),
    });
  }
}
