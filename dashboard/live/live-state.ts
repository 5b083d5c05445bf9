import type { KpiFilter } from '../../lib/kpi/kpi-filter.js';
import { matchesFilter } from '../../lib/kpi/kpi-filter.js';
import type { KpiTotals } from '../../lib/kpi/kpi-totals.js';
import { kpiTotals, sumCounts } from '../../lib/kpi/kpi-totals.js';
import type { RollupDoc } from '../../lib/kpi/rollup-doc.js';
import { isNotOlder } from '../../lib/kpi/rollup-doc.js';
import { localDate, localMidnight } from '../../lib/time/zoned-time.js';
import type { LivePeriod, Window } from './live-periods.js';
import { HOURS_KEPT_MS, periodWindows } from './live-periods.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** A period's KPIs and its hour-by-hour shape (the tiles' sparklines). */
export interface PeriodFigures {
  label: string;
  from: string;
  to: string;
  totals: KpiTotals;
  /** One entry per hour of the window, oldest first (zero when quiet). */
  hours: { start: string; totals: KpiTotals }[];
}

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
  /** The chosen period (today, last 24 h, last 7 days) and what it is compared with. */
  period: PeriodFigures & { name: LivePeriod };
  comparisons: PeriodFigures[];
}

/**
 * The rollups the live view needs, kept in memory: minute rollups of the last `windowMinutes`, day
 * rollups of today, and hour rollups of the last 15 days (the periods and their comparisons: the
 * last 7 days against the 7 before). Pure: fed by a state read and a changefeed, asked for snapshots.
 */
export class LiveState {
  private readonly docs = new Map<string, RollupDoc>();

  constructor(
    private readonly zone: string,
    private readonly windowMinutes: number,
  ) {}

  /** Where the window starts and today starts, for the state read. */
  bounds(now: Date): { minutesFrom: string; todayFrom: string; hoursFrom: string } {
    const windowStart =
      Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS - (this.windowMinutes - 1) * MINUTE_MS;
    return {
      minutesFrom: new Date(windowStart).toISOString(),
      todayFrom: localMidnight(localDate(now, this.zone), this.zone).toISOString(),
      hoursFrom: new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOURS_KEPT_MS).toISOString(),
    };
  }

  /** Takes a document (from the read or the feed) unless a newer version is already held. */
  apply(doc: RollupDoc): boolean {
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
    const { minutesFrom, todayFrom, hoursFrom } = this.bounds(now);
    for (const [id, doc] of this.docs) {
      if (
        (doc.granularity === 'minute' && doc.start < minutesFrom) ||
        (doc.granularity === 'day' && doc.start < todayFrom) ||
        (doc.granularity === 'hour' && doc.start < hoursFrom)
      ) {
        this.docs.delete(id);
      }
    }
  }

  snapshot(filter: KpiFilter, now: Date, period: LivePeriod = 'today'): LiveSnapshot {
    const { minutesFrom, todayFrom } = this.bounds(now);
    const matching = [...this.docs.values()].filter((doc) => matchesFilter(doc, filter));
    const today = matching.filter((doc) => doc.granularity === 'day' && doc.start === todayFrom);
    const byMinute = new Map<string, RollupDoc[]>();
    const byHour = new Map<string, RollupDoc[]>();
    for (const doc of matching) {
      const into = doc.granularity === 'minute' ? byMinute : doc.granularity === 'hour' ? byHour : undefined;
      if (!into || (doc.granularity === 'minute' && doc.start < minutesFrom)) continue;
      const list = into.get(doc.start) ?? [];
      list.push(doc);
      into.set(doc.start, list);
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
    const todayTotals = kpiTotals(sumCounts(today));
    const windows = periodWindows(period, now, this.zone);
    const current = figures('now', windows.current, byHour);
    return {
      generatedAt: now.toISOString(),
      today: { start: todayFrom, totals: todayTotals },
      minutes,
      eventsPerMinute: minutes.at(-2)?.events ?? 0,
      // Today's totals come from the day rollups (exact to the minute); its hours, and every
      // comparison, from hour rollups.
      period: { ...current, name: period, totals: period === 'today' ? todayTotals : current.totals },
      comparisons: windows.comparisons.map(({ label, window }) => figures(label, window, byHour)),
    };
  }
}

/** The KPIs of a window and of each of its hours, from hour rollups grouped by start. */
function figures(label: string, window: Window, byHour: Map<string, RollupDoc[]>): PeriodFigures {
  const hours: PeriodFigures['hours'] = [];
  const all: Record<string, number> = {};
  // A "today" window starts at local midnight, which in some zones is not on the hour: from the hour holding it.
  const first = Math.floor(Date.parse(window.from) / HOUR_MS) * HOUR_MS;
  for (let start = first; start < Date.parse(window.to); start += HOUR_MS) {
    const iso = new Date(start).toISOString();
    // Each document is summed once, into its hour; the window adds up the hours.
    const counts = sumCounts(byHour.get(iso) ?? []);
    for (const [metric, value] of Object.entries(counts)) all[metric] = (all[metric] ?? 0) + value;
    hours.push({ start: iso, totals: kpiTotals(counts) });
  }
  return { label, from: window.from, to: window.to, totals: kpiTotals(all), hours };
}
