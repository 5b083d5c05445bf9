/**
 * The record tables the dashboard reads, each with the time field (and index) it is filtered,
 * ordered and exported by, and the compound index `[time, id]` its pages are read by (one order
 * with no ties, so a page key of time and id names one position).
 */
export const RECORD_KINDS = {
  quotes: { table: 'quotes', time: 'quotedAt', pageIndex: 'quotedAt_id' },
  bookings: { table: 'bookings', time: 'bookedAt', pageIndex: 'bookedAt_id' },
  events: { table: 'events', time: 'receivedAt', pageIndex: 'receivedAt_id' },
  /** Demands, by the quotedAt of their earliest quote, with that quote's dimensions. */
  clusters: { table: 'clusters', time: 'firstQuotedAt', pageIndex: 'firstQuotedAt_id' },
} as const;

export type RecordKind = keyof typeof RECORD_KINDS;

export function isRecordKind(value: string): value is RecordKind {
  return Object.hasOwn(RECORD_KINDS, value);
}
