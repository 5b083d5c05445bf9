import type { BookingUpsert, QuoteUpsert, RecordDelete } from '../../lib/records/canonical.js';
import { validateRecord } from '../../lib/records/validate-record.js';
import type { ValidationIssue } from '../../lib/validation/issues.js';
import type { TripChange } from './resolver.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { toTripChange } from './trip-change.js';

export type TripRecord = QuoteUpsert | BookingUpsert | RecordDelete;

export type ParsedTrip =
  { ok: true; record: TripRecord; change: TripChange } | { ok: false; issues: ValidationIssue[] };

/**
 * The validate and normalise steps for a quote or booking: JSON text (or a parsed value) in, the
 * resolver's change out, or the issues naming each bad field. Shared by `quoteflow resolve` and the
 * streaming processor so that both read records the same way.
 */
export function parseTripRecord(
  input: unknown,
  expectedKind: 'quote' | 'booking',
  rules: ResolutionRules,
): ParsedTrip {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, issues: [{ path: '', message: 'is not valid JSON' }] };
    }
  }
  const validation = validateRecord(value);
  if (!validation.ok) return validation;
  const record = validation.record;
  if (record.kind !== expectedKind) {
    return { ok: false, issues: [{ path: 'kind', message: `must be "${expectedKind}" here` }] };
  }
  try {
    return { ok: true, record, change: toTripChange(record, rules) };
  } catch (error) {
    // toEpochMs names the field in its message; the schema has already checked the format.
    return {
      ok: false,
      issues: [{ path: '', message: error instanceof Error ? error.message : String(error) }],
    };
  }
}

export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`))
    .join('; ');
}
