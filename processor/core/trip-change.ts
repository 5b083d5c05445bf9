import type { BookingUpsert, QuoteUpsert, RecordDelete } from '../../lib/records/canonical.js';
import type { TripChange } from './resolver.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { normaliseBooking, normaliseQuote } from '../../lib/resolution/trip-record.js';

/** A validated canonical quote or booking (upsert or delete) as the resolver takes it. */
export function toTripChange(
  record: QuoteUpsert | BookingUpsert | RecordDelete,
  rules: ResolutionRules,
): TripChange {
  if (record.op === 'delete') {
    return { kind: record.kind, id: record.id, version: record.version, record: null };
  }
  return record.kind === 'quote'
    ? { kind: 'quote', id: record.id, version: record.version, record: normaliseQuote(record, rules) }
    : { kind: 'booking', id: record.id, version: record.version, record: normaliseBooking(record, rules) };
}
