import r from 'rethinkdb';
import type { Namespace, Socket } from 'socket.io';
import { QuoteflowError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { retry } from '../../lib/retry.js';
import type { KpiFilter } from '../kpi/kpi-filter.js';
import { filterKey, kpiFilterSchema } from '../kpi/kpi-filter.js';
import type { RollupDoc } from '../kpi/rollup-doc.js';
import type { LivePeriod } from './live-periods.js';
import { LIVE_PERIODS } from './live-periods.js';
import { LiveState } from './live-state.js';

/** A subscription: the dimension filters and, apart from them, the period the tiles cover. */
interface Subscription {
  filter: KpiFilter;
  period: LivePeriod;
}

function isLivePeriod(value: unknown): value is LivePeriod {
  return LIVE_PERIODS.some((period) => period === value);
}

export interface LiveKpisOptions {
  db: RethinkdbClient;
  namespace: Namespace;
  zone: string;
  logger: Logger;
  /** How many minutes the per-minute charts show. */
  windowMinutes: number;
  /** How often changed rooms are pushed to. */
  pushIntervalMs: number;
  clock?: () => Date;
}

/** The top of any index range; missing from the driver's typings. */
const MAXVAL = (r as unknown as { maxval: unknown }).maxval;

interface Change {
  new_val: RollupDoc | null;
  old_val: RollupDoc | null;
}

/**
 * Live KPIs over Socket.IO. One changefeed on `rollups` per dashboard process, whatever the number
 * of browsers: its changes update one in-memory state, and every filter in use is one room that
 * gets a fresh snapshot when something changed (at most every pushIntervalMs). A changefeed cannot
 * be resumed, so after any break the feed is opened again and the state re-read, the feed first so
 * nothing written in between is missed; versions (applied offsets) keep the newest of the two.
 */
export class LiveKpis {
  private readonly state: LiveState;
  private readonly rooms = new Map<string, Subscription>();
  private readonly clock: () => Date;
  private feed: r.Cursor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private closed = false;
  private readonly closing = new AbortController();
  private following: Promise<void> | undefined;
  /** Ends the wait on the current feed (close() must not depend on the server answering). */
  private stopWaiting: (() => void) | undefined;

  constructor(private readonly options: LiveKpisOptions) {
    this.state = new LiveState(options.zone, options.windowMinutes);
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.options.namespace.on('connection', (socket: Socket) => {
      socket.on('subscribe', (input: unknown) => {
        this.subscribe(socket, input);
      });
    });
    this.following = this.follow();
    this.timer = setInterval(() => {
      this.push();
    }, this.options.pushIntervalMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    clearInterval(this.timer);
    this.stopWaiting?.();
    // Not awaited: the connection's owner closes it anyway, and a server may never answer.
    void this.feed?.close().catch(() => undefined);
    await this.following;
  }

  /** A call, not a field read: the compiler must not assume it unchanged across awaits. */
  private isClosed(): boolean {
    return this.closed;
  }

  private subscribe(socket: Socket, input: unknown): void {
    const { period = 'today', ...dimensions }: Record<string, unknown> =
      typeof input === 'object' && input !== null ? { ...input } : {};
    if (!isLivePeriod(period)) {
      socket.emit('kpis:error', { message: `period: must be one of ${LIVE_PERIODS.join(', ')}` });
      return;
    }
    const parsed = kpiFilterSchema.safeParse(dimensions);
    if (!parsed.success) {
      socket.emit('kpis:error', { message: 'filter: unknown or invalid keys' });
      return;
    }
    const room = `kpis:${period}:${filterKey(parsed.data)}`;
    for (const joined of socket.rooms) if (joined.startsWith('kpis:')) void socket.leave(joined);
    void socket.join(room);
    this.rooms.set(room, { filter: parsed.data, period });
    socket.emit('kpis', this.state.snapshot(parsed.data, this.clock(), period));
  }

  private push(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const now = this.clock();
    this.state.prune(now);
    for (const [room, { filter, period }] of this.rooms) {
      if ((this.options.namespace.adapter.rooms.get(room)?.size ?? 0) === 0) {
        this.rooms.delete(room);
        continue;
      }
      this.options.namespace.to(room).emit('kpis', this.state.snapshot(filter, now, period));
    }
  }

  private onChange(change: Change): void {
    if (change.new_val) {
      if (this.state.apply(change.new_val)) this.dirty = true;
    } else if (change.old_val) {
      this.state.remove(change.old_val.id);
      this.dirty = true;
    }
  }

  /** Opens the feed, reads the state, applies changes; again after every break, with backoff. */
  private async follow(): Promise<void> {
    const { logger } = this.options;
    await retry((_attempt, progress) => this.followOnce(progress), {
      signal: this.closing.signal,
      backoff: { initialMs: 250, maxMs: 10_000 },
      // Until closed: RethinkDB comes back, and re-reading the state is all it takes.
      isRetriable: () => true,
      onRetry: (error) => {
        logger.warn({ err: error }, 'cannot follow rollups; retrying');
      },
    }).catch((error: unknown) => {
      if (!this.closing.signal.aborted) logger.error({ err: error }, 'live KPIs stopped following rollups');
    });
  }

  /** One session: open the feed, read the live window, apply what came meanwhile, follow until it ends. */
  private async followOnce(progress: () => void): Promise<void> {
    const { db } = this.options;
    const table = r.db(db.db).table('rollups');
    const connection = await db.connection();
    const feed = await table.changes().run(connection);
    this.feed = feed;
    let broken: Error | undefined;
    try {
      const buffered: Change[] = [];
      let reading = true;
      const ended = new Promise<void>((resolve) => {
        this.stopWaiting = resolve;
        feed.each(
          (error: Error | null, change: Change) => {
            if (error) {
              broken = error;
              resolve();
              return false;
            }
            if (reading) buffered.push(change);
            else this.onChange(change);
            return true;
          },
          () => {
            resolve();
          },
        );
      });
      const { minutesFrom, todayFrom, hoursFrom } = this.state.bounds(this.clock());
      // Through a cursor: the live window of many dimensions can pass RethinkDB's
      // 100,000-element limit on server-side arrays.
      const current = await db.run(
        table
          .between(['minute', minutesFrom], ['minute', MAXVAL], { index: 'granularity_start' })
          .union(table.between(['day', todayFrom], ['day', MAXVAL], { index: 'granularity_start' }))
          .union(table.between(['hour', hoursFrom], ['hour', MAXVAL], { index: 'granularity_start' })),
      );
      for await (const doc of cursorRows<RollupDoc>(current)) this.state.apply(doc);
      reading = false;
      for (const change of buffered) this.onChange(change);
      this.dirty = true;
      progress();
      await ended;
    } finally {
      this.feed = undefined;
      void feed.close().catch(() => undefined);
    }
    if (this.isClosed()) return;
    throw new QuoteflowError('ROLLUPS_FEED_ENDED', 'rollups changefeed broke; reopening', {
      retriable: true,
      ...(broken ? { cause: broken } : {}),
    });
  }
}
