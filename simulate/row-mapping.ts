import type { SourceConfig } from '../lib/config/schema.js';
import { formatWallClock } from '../lib/time/zone.js';
import type { BookingRow, QuoteRow } from './actions.js';

type Tables = SourceConfig['tables'];
export type QuoteMapping = NonNullable<Tables['quotes']>;
export type BookingMapping = NonNullable<Tables['bookings']>;
export type Row = Record<string, string | number | null>;

/**
 * Rows shaped by a source's own column mapping (the `sources[].tables` of the config), so that the
 * simulation writes exactly the columns the connectors read, whatever the config calls them.
 * Pure: the knex adapter only sends what these functions return.
 */

/** `YYYY-MM-DD HH:MM:SS.mmm` wall-clock time in the source's zone, as a timestamp column holds it. */
export function wallTime(at: Date, zone: string): string {
  const ms = at.getTime();
  return `${formatWallClock(ms, zone)}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
}

/** Puts a value in a row only where the mapping names a column for the field. */
function put(row: Row, column: string | undefined, value: string | number | null): void {
  if (column !== undefined) row[column] = value;
}

/** The columns every change of a row sets: last-modified time and, when mapped, a growing version. */
export function changeColumns(
  columns: { updatedAt?: string | undefined; version?: string | undefined },
  at: Date,
  zone: string,
): Row {
  const row: Row = {};
  put(row, columns.updatedAt, wallTime(at, zone));
  // Milliseconds since the epoch grow with every change the simulation makes to a row.
  put(row, columns.version, at.getTime());
  return row;
}

/** The trip columns quotes and bookings share: customer, stations, times, car group, price, channel. */
function putTrip(
  row: Row,
  c: Pick<
    QuoteMapping['columns'] | BookingMapping['columns'],
    | 'customerEmail'
    | 'customerPhone'
    | 'customerName'
    | 'pickupStation'
    | 'pickupAt'
    | 'dropoffStation'
    | 'dropoffAt'
    | 'carGroup'
    | 'priceAmount'
    | 'priceCurrency'
    | 'channel'
  >,
  trip: QuoteRow | BookingRow,
  zone: string,
): void {
  put(row, c.customerEmail, trip.customer.email);
  put(row, c.customerPhone, trip.customer.phone);
  put(row, c.customerName, trip.customer.name);
  put(row, c.pickupStation, trip.pickupStation);
  put(row, c.pickupAt, wallTime(trip.pickupAt, zone));
  put(row, c.dropoffStation, trip.dropoffStation);
  put(row, c.dropoffAt, wallTime(trip.dropoffAt, zone));
  put(row, c.carGroup, trip.carGroup);
  put(row, c.priceAmount, trip.price);
  put(row, c.priceCurrency, trip.currency);
  put(row, c.channel, trip.channel);
}

export function quoteRow(mapping: QuoteMapping, quote: QuoteRow, zone: string): Row {
  const c = mapping.columns;
  const row: Row = { [mapping.key]: quote.key, ...changeColumns(c, quote.quotedAt, zone) };
  put(row, c.quotedAt, wallTime(quote.quotedAt, zone));
  put(row, c.brokerQuoteRef, quote.quoteRef);
  putTrip(row, c, quote, zone);
  return row;
}

export function bookingRow(mapping: BookingMapping, booking: BookingRow, zone: string): Row {
  const c = mapping.columns;
  const row: Row = { [mapping.key]: booking.key, ...changeColumns(c, booking.bookedAt, zone) };
  put(row, c.bookedAt, wallTime(booking.bookedAt, zone));
  put(row, c.status, statusValue(mapping, 'confirmed'));
  put(row, c.quoteRef, booking.quoteRef);
  putTrip(row, c, booking, zone);
  return row;
}

/** The source's own word for a status: the first of its configured values. */
export function statusValue(mapping: BookingMapping, status: 'confirmed' | 'cancelled'): string {
  const value = mapping.statusValues[status][0];
  if (value === undefined) throw new RangeError(`statusValues.${status} is empty`);
  return value;
}

/** SQL column kinds of the canonical fields, for creating a source's tables. */
export type ColumnKind = 'key' | 'timestamp' | 'text' | 'money' | 'version';

export function columnKinds(mapping: QuoteMapping | BookingMapping): Map<string, ColumnKind> {
  const kinds = new Map<string, ColumnKind>([[mapping.key, 'key']]);
  for (const [field, column] of Object.entries(mapping.columns) as [string, string | undefined][]) {
    if (column === undefined || kinds.has(column)) continue;
    if (field === 'version') kinds.set(column, 'version');
    else if (field === 'priceAmount') kinds.set(column, 'money');
    else if (/At$/.test(field) || field === 'deleted') kinds.set(column, 'timestamp');
    else kinds.set(column, 'text');
  }
  return kinds;
}
