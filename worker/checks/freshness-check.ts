import { wallClockAt } from '../../lib/time/zone.js';
import type { Observation } from './observation.js';

export interface BusinessHours {
  /** 0 = Sunday … 6 = Saturday. */
  days: readonly number[];
  /** HH:MM, inclusive. */
  from: string;
  /** HH:MM, exclusive. */
  to: string;
}

/** True when `now` falls within the business hours, read on the wall clock of `zone`. */
export function withinBusinessHours(hours: BusinessHours, zone: string, now: Date): boolean {
  const wall = wallClockAt(now.getTime(), zone);
  const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
  const time = `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
  return hours.days.includes(weekday) && time >= hours.from && time < hours.to;
}

/** The newest record of a source within the window (null: none in it), as the reader found it. */
export interface SourceActivity {
  source: string;
  kind: 'quotes' | 'bookings';
  newestAt: string | null;
}

/**
 * Freshness per source: firing when the source's newest quote (bookings, for a source that maps
 * only bookings) is older than `maxQuietMinutes` — the reader looks only that far back, so
 * `newestAt` null means "nothing within the window".
 */
export function freshnessObservations(
  activity: readonly SourceActivity[],
  settings: { maxQuietMinutes: number },
): Observation[] {
  return activity.map(({ source, kind, newestAt }) => {
    const firing = newestAt === null;
    return {
      check: 'freshness',
      subject: source,
      firing,
      summary: firing
        ? `no new ${kind} from ${source} for more than ${settings.maxQuietMinutes} minutes`
        : `${source}: newest ${kind.slice(0, -1)} at ${newestAt}`,
      details: { kind, newestAt, maxQuietMinutes: settings.maxQuietMinutes },
      value: null,
    };
  });
}
