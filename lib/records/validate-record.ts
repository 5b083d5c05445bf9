import type { z } from 'zod';
import type { ValidationIssue } from '../validation/issues.js';
import { toValidationIssues, valueFreeErrorMap } from '../validation/issues.js';
import type { CanonicalRecord } from './canonical.js';
import { bookingUpsertSchema, deleteSchema, eventSchema, quoteUpsertSchema } from './canonical.js';

export type RecordValidation<T> = { ok: true; record: T } | { ok: false; issues: ValidationIssue[] };

function run<T>(schema: z.ZodType<T>, input: unknown): RecordValidation<T> {
  // Parsing with an error map costs about a quarter more even when nothing is wrong, and records
  // are nearly always right: the map is used only to word the errors of a record that failed.
  const fast = schema.safeParse(input);
  if (fast.success) return { ok: true, record: fast.data };
  const result = schema.safeParse(input, { error: valueFreeErrorMap });
  return result.success
    ? { ok: true, record: result.data }
    : { ok: false, issues: toValidationIssues(result.error) };
}

/**
 * Validates anything claiming to be a canonical record. It picks the schema by `kind` and `op`
 * first, so the errors speak of the record's own fields rather than of every form it might take.
 */
export function validateRecord(input: unknown): RecordValidation<CanonicalRecord> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ path: '', message: 'must be a JSON object' }] };
  }
  const { kind, op } = input as { kind?: unknown; op?: unknown };
  if (kind === 'event') return run(eventSchema, input);
  if (kind !== 'quote' && kind !== 'booking') {
    return { ok: false, issues: [{ path: 'kind', message: 'must be one of: "quote", "booking", "event"' }] };
  }
  if (op === 'delete') return run(deleteSchema, input);
  if (op !== 'upsert')
    return { ok: false, issues: [{ path: 'op', message: 'must be one of: "upsert", "delete"' }] };
  return kind === 'quote' ? run(quoteUpsertSchema, input) : run(bookingUpsertSchema, input);
}
