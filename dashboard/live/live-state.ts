import type { KpiFilter } from '../kpi/kpi-filter.js';
import { matchesFilter } from '../kpi/kpi-filter.js';
import type { KpiTotals } from '../kpi/kpi-totals.js';
import { kpiTotals, sumCounts } from '../kpi/kpi-totals.js';
import type { RollupDoc } from '../kpi/rollup-doc.js';
import { isNotOlder } from '../kpi/rollup-doc.js';
import { localDate, localMidnight } from '../kpi/zoned-time.js';

const MINUTE_MS = 60_000;

export interface MinutePoint {
  start: string;
  quotes: number;
  demands: number;
  bookings: number;
  events: number;
}

/** What the live view shows for one filter. */
export interface LiveSnapshot {
  generatedAt: string;
  /** Today in the KPI zone: its local midnight, and its KPIs so far. */
  today: { start: string; totals: KpiTotals };
  /** Per-minute counts over the window, oldest first, every minute present (zero when quiet). */
  minutes: MinutePoint[];
  /** Events in the last complete minute. */
  eventsPerMinute: number;
}

/**
 * The rollups the live view needs, kept in memory: minute rollups of the last `windowMinutes` and
 * day rollups of today. Pure: fed by a state read and a changefeed, asked for snapshots.
 */
export class LiveState {
  private readonly docs = new Map<string, RollupDoc>();

  constructor(
    private readonly zone: string,
    private readonly windowMinutes: number,
  ) {}

  /** Where the window starts and today starts, for the state read. */
  bounds(now: Date): { minutesFrom: string; todayFrom: string } {
    const windowStart =
      Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS - (this.windowMinutes - 1) * MINUTE_MS;
    return {
      minutesFrom: new Date(windowStart).toISOString(),
      todayFrom: localMidnight(localDate(now, this.zone), this.zone).toISOString(),
    };
  }

  /** Takes a document (from the read or the feed) unless a newer version is already held. */
  apply(doc: RollupDoc): boolean {
    if (doc.granularity === 'hour') return false;
    const current = this.docs.get(doc.id);
    if (current && !isNotOlder(doc, current)) return false;
    this.docs.set(doc.id, doc);
    return true;
  }

  remove(id: string): void {
    this.docs.delete(id);
  }

  /** Drops what has left the window or is no longer today. */
  prune(now: Date): void {
    const { minutesFrom, todayFrom } = this.bounds(now);
    for (const [id, doc] of this.docs) {
      if (
        (doc.granularity === 'minute' && doc.start < minutesFrom) ||
        (doc.granularity === 'day' && doc.start < todayFrom)
      ) {
        this.docs.delete(id);
      }
    }
  }

  snapshot(filter: KpiFilter, now: Date): LiveSnapshot {
    const { minutesFrom, todayFrom } = this.bounds(now);
    const matching = [...this.docs.values()].filter((doc) => matchesFilter(doc, filter));
    const today = matching.filter((doc) => doc.granularity === 'day' && doc.start === todayFrom);
    const byMinute = new Map<string, RollupDoc[]>();
    for (const doc of matching) {
      if (doc.granularity !== 'minute' || doc.start < minutesFrom) continue;
      const list = byMinute.get(doc.start) ?? [];
      list.push(doc);
      byMinute.set(doc.start, list);
    }
    const minutes: MinutePoint[] = [];
    for (let i = 0; i < this.windowMinutes; i++) {
      const start = new Date(Date.parse(minutesFrom) + i * MINUTE_MS).toISOString();
      const counts = sumCounts(byMinute.get(start) ?? []);
      minutes.push({
        start,
        quotes: counts.quotes ?? 0,
        demands: counts.demands ?? 0,
        bookings: counts.bookings ?? 0,
        events: counts.events ?? 0,
      });
    }
    return {
      generatedAt: now.toISOString(),
      today: { start: todayFrom, totals: kpiTotals(sumCounts(today)) },
      minutes,
      eventsPerMinute: minutes.at(-2)?.events ?? 0,
    };
  }
}
