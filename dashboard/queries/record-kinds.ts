/**
 * The record tables the dashboard reads, each with the time field (and index) it is filtered,
 * ordered and exported by, and the dimension fields filters may name.
 */
export const RECORD_KINDS = {
  quotes: { table: 'quotes', time: 'quotedAt' },
  bookings: { table: 'bookings', time: 'bookedAt' },
  events: { table: 'events', time: 'receivedAt' },
  /** Demands, by the quotedAt of their earliest quote, with that quote's dimensions. */
  clusters: { table: 'clusters', time: 'firstQuotedAt' },
} as const;

export type RecordKind = keyof typeof RECORD_KINDS;

export function isRecordKind(value: string): value is RecordKind {
  return Object.hasOwn(RECORD_KINDS, value);
}
