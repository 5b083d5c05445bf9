import { formatWallClock } from '../time/zone.js';

/**
 * A column of an export: its header, its type, and how to read it from a row. Types matter to
 * analysts: numbers must arrive as numbers and dates as dates, so a spreadsheet can sum and pivot.
 */
export type ExportValue = string | number | Date | null | undefined;

export interface ExportColumn<Row> {
  header: string;
  type: 'text' | 'number' | 'datetime';
  value: (row: Row) => ExportValue;
}

/**
 * The wall-clock time of an instant in a zone, as `YYYY-MM-DD HH:MM:SS`: the form spreadsheets
 * read as a date, in the zone the analysts work in (the KPI time zone, named in the header).
 */
export function wallClock(instant: Date, zone: string): string {
  return formatWallClock(instant.getTime(), zone);
}

/** A Date whose UTC fields are the wall clock in `zone`: spreadsheets store dates without a zone. */
export function wallClockAsUtcDate(instant: Date, zone: string): Date {
  return new Date(`${wallClock(instant, zone).replace(' ', 'T')}Z`);
}

/** Reads an ISO-8601 timestamp field; anything unparsable exports as empty rather than as a wrong date. */
export function instantOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}
