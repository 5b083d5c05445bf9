import r from 'rethinkdb';
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from '../../lib/logger.js';
import type { FeedChange } from '../../lib/rethinkdb/changefeed-follower.js';
import { ChangefeedFollower } from '../../lib/rethinkdb/changefeed-follower.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { KpiFilter } from '../../lib/kpi/kpi-filter.js';
import { filterKey, kpiFilterSchema } from '../../lib/kpi/kpi-filter.js';
import type { RollupDoc } from '../../lib/kpi/rollup-doc.js';
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

/**
 * Live KPIs over Socket.IO. One changefeed on `rollups` per dashboard process, whatever the number
 * of browsers: its changes update one in-memory state, and every filter in use is one room that
 * gets a fresh snapshot when something changed (at most every pushIntervalMs). A changefeed cannot
 * be resumed, so after any break (or a reconnect) the feed is opened again and the state re-read,
 * the feed first so nothing written in between is missed (lib/rethinkdb/changefeed-follower.ts);
 * versions (applied offsets) keep the newest of the two.
 */
export class LiveKpis {
  private readonly state: LiveState;
  private readonly rooms = new Map<string, Subscription>();
  private readonly clock: () => Date;
  private readonly follower: ChangefeedFollower<RollupDoc>;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(private readonly options: LiveKpisOptions) {
    this.state = new LiveState(options.zone, options.windowMinutes);
    this.clock = options.clock ?? (() => new Date());
    this.follower = new ChangefeedFollower<RollupDoc>({
      client: options.db,
      logger: options.logger,
      table: 'rollups',
      backoff: { initialMs: 250, maxMs: 10_000 },
      snapshot: (table) => {
        const { minutesFrom, todayFrom, hoursFrom } = this.state.bounds(this.clock());
        return table
          .between(['minute', minutesFrom], ['minute', MAXVAL], { index: 'granularity_start' })
          .union(table.between(['day', todayFrom], ['day', MAXVAL], { index: 'granularity_start' }))
          .union(table.between(['hour', hoursFrom], ['hour', MAXVAL], { index: 'granularity_start' }));
      },
      load: async (rows) => {
        for await (const doc of rows) this.state.apply(doc);
        this.dirty = true;
      },
      apply: (change) => {
        this.onChange(change);
      },
    });
  }

  start(): void {
    this.options.namespace.on('connection', (socket: Socket) => {
      socket.on('subscribe', (input: unknown) => {
        this.subscribe(socket, input);
      });
    });
    this.follower.start();
    this.timer = setInterval(() => {
      this.push();
    }, this.options.pushIntervalMs);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.follower.stop();
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

  private onChange(change: FeedChange<RollupDoc>): void {
    if (change.new_val) {
      if (this.state.apply(change.new_val)) this.dirty = true;
    } else if (change.old_val) {
      this.state.remove(change.old_val.id);
      this.dirty = true;
    }
  }
}
