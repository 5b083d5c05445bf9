import { wallTimeToEpochMs, zoneOffsetMs } from '../../lib/time/zone.js';
import { localDate, localMidnight } from '../../lib/time/zoned-time.js';

export const LIVE_PERIODS = ['today', '24h', '7d'] as const;
export type LivePeriod = (typeof LIVE_PERIODS)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A window of hours: [from, to), ISO-8601 UTC on hour boundaries except `from` of "today". */
export interface Window {
  from: string;
  to: string;
}

export interface PeriodWindows {
  period: LivePeriod;
  current: Window;
  /** What an analyst compares the period with, each labelled as the tiles say it. */
  comparisons: { label: string; window: Window }[];
}

function shifted(window: Window, ms: number): Window {
  return {
    from: new Date(Date.parse(window.from) - ms).toISOString(),
    to: new Date(Date.parse(window.to) - ms).toISOString(),
  };
}

function endOfHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS + HOUR_MS;
}

/**
 * The windows of a live period and of its comparisons (pure).
 * - today: local midnight (KPI zone) to now; compared with yesterday and the same weekday last week,
 *   each from its own local midnight to the same time of day, to the hour (comparisons are summed
 *   from hour rollups, so they run to the end of the current hour).
 * - 24h: the last 24 hours (the current hour included); compared with the 24 hours a day and a week before.
 * - 7d: the last 7 × 24 hours; compared with the 7 days before.
 */
export function periodWindows(period: LivePeriod, now: Date, zone: string): PeriodWindows {
  const ms = now.getTime();
  if (period === 'today') {
    const today = localDate(now, zone);
    const midnight = localMidnight(today, zone).getTime();
    const to = endOfHour(ms);
    // The same time of day (wall clock) on an earlier date, so a day of a DST change compares
    // 00:00–13:00 with 00:00–13:00, not with 13 elapsed hours.
    const wallSinceMidnight = to + zoneOffsetMs(to, zone) - Date.parse(`${today}T00:00:00Z`);
    const dayBefore = (days: number) => {
      const date = localDate(new Date(midnight - days * DAY_MS + 12 * HOUR_MS), zone);
      return {
        from: localMidnight(date, zone).toISOString(),
        to: new Date(
          wallTimeToEpochMs(Date.parse(`${date}T00:00:00Z`) + wallSinceMidnight, zone),
        ).toISOString(),
      };
    };
    return {
      period,
      current: { from: new Date(midnight).toISOString(), to: new Date(to).toISOString() },
      comparisons: [
        { label: 'yesterday', window: dayBefore(1) },
        { label: 'last week', window: dayBefore(7) },
      ],
    };
  }
  const hours = period === '24h' ? 24 : 7 * 24;
  const current = {
    from: new Date(endOfHour(ms) - hours * HOUR_MS).toISOString(),
    to: new Date(endOfHour(ms)).toISOString(),
  };
  return {
    period,
    current,
    comparisons:
      period === '24h'
        ? [
            { label: 'a day before', window: shifted(current, DAY_MS) },
            { label: 'a week before', window: shifted(current, 7 * DAY_MS) },
          ]
        : [{ label: 'previous 7 days', window: shifted(current, 7 * DAY_MS) }],
  };
}

/** How far back the live state keeps hour rollups: the longest comparison of the longest period. */
export const HOURS_KEPT_MS = 15 * DAY_MS;
