import type { BookingUpsert, QuoteUpsert, RecordDelete } from '../../lib/records/canonical.js';
import type { RecordVersion } from '../../lib/records/version.js';
import { validateRecord } from '../../lib/records/validate-record.js';
import type { DlqRecord } from './dlq-record.js';
import { dlqRecord } from './dlq-record.js';
import { toUtcIso } from './local-time.js';
import { normaliseStation } from '../../lib/resolution/normalise.js';
import { stationKey } from './station-key.js';
import type { MappedTable } from './table-mapping.js';

export type SourceRow = Readonly<Record<string, unknown>>;
export type MappedRecord = QuoteUpsert | BookingUpsert | RecordDelete;

export interface MapRowInput {
  source: string;
  timezone: string;
  table: MappedTable;
  row: SourceRow;
  /** The log position (log mode); poll mode leaves it out and takes the version from the row. */
  version?: RecordVersion;
  /** A delete seen in the replication log: `row` may then hold only the primary key. */
  deleted?: boolean;
}

/** A record ready for Kafka (with its station key when the row told it), or a DLQ entry. */
export type MapOutcome =
  | {
      type: 'record';
      record: MappedRecord;
      stationKey: string | undefined;
      /** The key of the version before, when the log carried the old row (binlog before image). */
      previousStationKey?: string | undefined;
    }
  | { type: 'dlq'; dlq: DlqRecord };

class Unmappable extends Error {}

const DIGITS = /^\d{1,40}$/;

function present(value: unknown): boolean {
  return value !== null && value !== undefined && !(typeof value === 'string' && value.trim() === '');
}

/** A soft-delete column is set when true, non-zero, or a non-empty value such as a date. */
function isSet(value: unknown): boolean {
  if (!present(value)) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n;
  if (Buffer.isBuffer(value)) return value.some((byte) => byte !== 0);
  const text = String(value).trim().toLowerCase();
  return !['0', 'false', 'f', 'n', 'no'].includes(text);
}

function text(row: SourceRow, column: string | undefined, field: string, required: boolean): string | null {
  if (column === undefined) {
    if (required) throw new Unmappable(`${field}: no column mapped`);
    return null;
  }
  const value = row[column];
  if (!present(value)) {
    if (required) throw new Unmappable(`${field}: column ${column} is null or empty`);
    return null;
  }
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value).trim();
}

function time(row: SourceRow, column: string, field: string, zone: string): string {
  text(row, column, field, true);
  const iso = toUtcIso(row[column], zone);
  if (iso === undefined) throw new Unmappable(`${field}: column ${column} is not a date-time`);
  return iso;
}

function rowVersion(row: SourceRow, table: MappedTable, zone: string): RecordVersion {
  const { columns } = table.mapping;
  const column = columns.version ?? columns.updatedAt;
  if (column === undefined) throw new Unmappable('version: no version or updatedAt column mapped');
  const value = row[column];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  if (typeof value === 'string' && DIGITS.test(value.trim())) return value.trim().replace(/^0+(?=\d)/, '');
  if (!present(value)) throw new Unmappable(`version: column ${column} is null`);
  const iso = toUtcIso(value, zone);
  if (iso === undefined)
    throw new Unmappable(`version: column ${column} is neither a non-negative integer nor a date-time`);
  return iso;
}

function price(row: SourceRow, table: MappedTable): { amount: number; currency: string } | null {
  const { columns, defaultCurrency } = table.mapping;
  const amountText = text(row, columns.priceAmount, 'price.amount', false);
  if (amountText === null) return null;
  const amount = Number(amountText);
  if (!Number.isFinite(amount))
    throw new Unmappable(`price.amount: column ${columns.priceAmount ?? ''} is not a number`);
  const currency =
    text(row, columns.priceCurrency, 'price.currency', false)?.toUpperCase() ?? defaultCurrency;
  return { amount, currency };
}

function bookingStatus(row: SourceRow, table: MappedTable & { kind: 'booking' }): 'confirmed' | 'cancelled' {
  const { columns, statusValues } = table.mapping;
  const value = (text(row, columns.status, 'status', true) ?? '').toLowerCase();
  if (statusValues.confirmed.some((v) => v.trim().toLowerCase() === value)) return 'confirmed';
  if (statusValues.cancelled.some((v) => v.trim().toLowerCase() === value)) return 'cancelled';
  throw new Unmappable(
    `status: column ${columns.status} holds a value listed in neither statusValues.confirmed nor statusValues.cancelled`,
  );
}

function buildUpsert(
  input: MapRowInput,
  identity: Omit<RecordDelete, 'kind' | 'op'>,
): Record<string, unknown> {
  const { row, table, timezone } = input;
  const { columns } = table.mapping;
  const pickupStation = text(row, columns.pickupStation, 'pickup.station', true) ?? '';
  const dropoffStation = text(row, columns.dropoffStation, 'dropoff.station', true) ?? '';
  const trip = {
    customer: {
      email: text(row, columns.customerEmail, 'customer.email', false),
      phone: text(row, columns.customerPhone, 'customer.phone', false),
      name: text(row, columns.customerName, 'customer.name', false),
    },
    pickup: {
      station: normaliseStation(pickupStation),
      at: time(row, columns.pickupAt, 'pickup.at', timezone),
    },
    dropoff: {
      station: normaliseStation(dropoffStation),
      at: time(row, columns.dropoffAt, 'dropoff.at', timezone),
    },
    carGroup: text(row, columns.carGroup, 'carGroup', true),
    price: price(row, table),
    channel: text(row, columns.channel, 'channel', false),
    attributes: {},
  };
  if (table.kind === 'quote') {
    return {
      kind: 'quote',
      op: 'upsert',
      ...identity,
      quotedAt: time(row, table.mapping.columns.quotedAt, 'quotedAt', timezone),
      brokerQuoteRef: text(row, table.mapping.columns.brokerQuoteRef, 'brokerQuoteRef', false),
      ...trip,
    };
  }
  return {
    kind: 'booking',
    op: 'upsert',
    ...identity,
    bookedAt: time(row, table.mapping.columns.bookedAt, 'bookedAt', timezone),
    quoteRef: text(row, table.mapping.columns.quoteRef, 'quoteRef', false),
    status: bookingStatus(row, table),
    ...trip,
  };
}

function keyOf(row: SourceRow, column: string): string | null {
  const value = row[column];
  if (!present(value)) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value).trim();
}

/** The station key of a row, when it has both stations. */
export function rowStationKey(row: SourceRow, table: MappedTable): string | undefined {
  const pickup = row[table.mapping.columns.pickupStation];
  const dropoff = row[table.mapping.columns.dropoffStation];
  return typeof pickup === 'string' &&
    typeof dropoff === 'string' &&
    pickup.trim() !== '' &&
    dropoff.trim() !== ''
    ? stationKey(pickup, dropoff)
    : undefined;
}

/**
 * Maps one source row to a canonical record (DESIGN.md "Canonical records"): columns through the
 * table's mapping, local times through the source's zone, status values, the default currency, a
 * soft-delete column or a logged delete as `op: "delete"`. A row that cannot be mapped (a required
 * column null, an unparsable date, an unknown status) becomes a DLQ entry naming the field.
 */
export function mapRow(input: MapRowInput): MapOutcome {
  const { source, table, row } = input;
  const tableName = table.mapping.table;
  const sourceKey = keyOf(row, table.mapping.key);
  if (sourceKey === null) {
    return {
      type: 'dlq',
      dlq: dlqRecord(source, tableName, null, `key: column ${table.mapping.key} is null or missing`),
    };
  }
  try {
    const version = input.version ?? rowVersion(row, table, input.timezone);
    const identity = { id: `${source}:${sourceKey}`, source, sourceKey, version };
    const deletedColumn = table.mapping.columns.deleted;
    const deleted = input.deleted === true || (deletedColumn !== undefined && isSet(row[deletedColumn]));
    const candidate = deleted
      ? { kind: table.kind, op: 'delete', ...identity }
      : buildUpsert(input, identity);
    const checked = validateRecord(candidate);
    if (!checked.ok) {
      const reason = checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      return { type: 'dlq', dlq: dlqRecord(source, tableName, sourceKey, reason) };
    }
    return { type: 'record', record: checked.record as MappedRecord, stationKey: rowStationKey(row, table) };
  } catch (error) {
    if (error instanceof Unmappable) {
      return { type: 'dlq', dlq: dlqRecord(source, tableName, sourceKey, error.message) };
    }
    throw error;
  }
}
