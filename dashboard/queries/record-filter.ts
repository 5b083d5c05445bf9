import { z } from 'zod';
import { isTimestamp } from '../../lib/records/timestamp.js';
import type { ValidationIssue } from '../../lib/validation/issues.js';
import { toValidationIssues, valueFreeErrorMap } from '../../lib/validation/issues.js';

const instant = z
  .string()
  .max(64)
  .refine(isTimestamp, { message: 'must be an ISO-8601 date-time, e.g. 2026-06-25T00:00:00Z' })
  .transform((value) => new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`).toISOString());

const dimension = z.string().trim().min(1).max(64);

/**
 * The filters of a record listing or export, from query parameters. Values are only ever compared
 * as data in ReQL (never evaluated), so nothing a user types can become a query.
 */
/** The deepest a records page may start (see `offset`). */
export const MAX_OFFSET = 10_000;

export const recordFilterSchema = z
  .strictObject({
    from: instant,
    to: instant,
    source: dimension.optional(),
    station: dimension.transform((s) => s.toUpperCase()).optional(),
    carGroup: dimension.optional(),
    channel: dimension.optional(),
    /** Events only. */
    type: dimension.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /**
     * Paging skips rows on the server: capped so that no request makes the store scan more than
     * MAX_OFFSET + limit rows of the period. Deeper: narrow the period, or export it (streamed).
     */
    offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0),
  })
  .refine((f) => f.from < f.to, { message: 'must be after from', path: ['to'] });

export type RecordFilter = z.output<typeof recordFilterSchema>;

export type FilterParse = { ok: true; filter: RecordFilter } | { ok: false; issues: ValidationIssue[] };

export function parseRecordFilter(query: Record<string, unknown>): FilterParse {
  const result = recordFilterSchema.safeParse(query, { error: valueFreeErrorMap });
  return result.success
    ? { ok: true, filter: result.data }
    : { ok: false, issues: toValidationIssues(result.error) };
}
