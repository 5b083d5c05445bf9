import { wallTimeToEpochMs } from './zone.js';
import { wallClock } from '../export/export-column.js';

/** The local calendar date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(instant: Date, zone: string): string {
  return wallClock(instant, zone).slice(0, 10);
}

/** The instant of local midnight starting `date` (`YYYY-MM-DD`) in `zone`, DST included. */
export function localMidnight(date: string, zone: string): Date {
  return new Date(wallTimeToEpochMs(Date.parse(`${date}T00:00:00Z`), zone));
}

/** `YYYY-MM-DD` of the Monday of the ISO week holding `date`. */
export function weekStart(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const back = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of the first day of the month holding `date`. */
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}
