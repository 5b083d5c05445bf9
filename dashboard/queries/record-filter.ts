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

/** The deepest a demands page may start (see `offset`). */
export const MAX_OFFSET = 10_000;

/**
 * The filters of a record listing or export, from query parameters. Values are only ever compared
 * as data in ReQL (never evaluated), so nothing a user types can become a query.
 */
const periodShape = {
  from: instant,
  to: instant,
  source: dimension.optional(),
  station: dimension.transform((s) => s.toUpperCase()).optional(),
  carGroup: dimension.optional(),
  channel: dimension.optional(),
  /** Events only. */
  type: dimension.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

const isFromBeforeTo = (f: { from: string; to: string }) => f.from < f.to;
const fromBeforeTo = () => ({ message: 'must be after from', path: ['to'] });

/** Offset paging, as the demands list still pages (records pages use `recordPageSchema`). */
export const recordFilterSchema = z
  .strictObject({
    ...periodShape,
    /**
     * Paging skips rows on the server: capped so that no request makes the store scan more than
     * MAX_OFFSET + limit rows of the period. Deeper: narrow the period, or export it (streamed).
     */
    offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0),
  })
  .refine(isFromBeforeTo, fromBeforeTo());

/** A records page: the period's filters, and `cursor`, a token of the page before (checked by page-cursor.ts). */
export const recordPageSchema = z
  .strictObject({ ...periodShape, cursor: z.string().min(1).optional() })
  .refine(isFromBeforeTo, fromBeforeTo());

export type RecordFilter = z.output<typeof recordFilterSchema>;
export type RecordPageRequest = z.output<typeof recordPageSchema>;
/** What selects a period's records, whatever pages them. */
export type PeriodFilter = Pick<
  RecordFilter,
  'from' | 'to' | 'source' | 'station' | 'carGroup' | 'channel' | 'type'
>;

export type FilterParse = { ok: true; filter: RecordFilter } | { ok: false; issues: ValidationIssue[] };
export type PageRequestParse =
  { ok: true; filter: RecordPageRequest } | { ok: false; issues: ValidationIssue[] };

export function parseRecordFilter(query: Record<string, unknown>): FilterParse {
  const result = recordFilterSchema.safeParse(query, { error: valueFreeErrorMap });
  return result.success
    ? { ok: true, filter: result.data }
    : { ok: false, issues: toValidationIssues(result.error) };
}

export function parseRecordPage(query: Record<string, unknown>): PageRequestParse {
  const result = recordPageSchema.safeParse(query, { error: valueFreeErrorMap });
  return result.success
    ? { ok: true, filter: result.data }
    : { ok: false, issues: toValidationIssues(result.error) };
}

/**
 * The identity of a listing a page token belongs to: its kind and every filter, so that a token
 * is refused with other filters (it would name a position in another listing).
 */
export function listingScope(kind: string, filter: PeriodFilter): string {
  const { from, to, source, station, carGroup, channel, type } = filter;
  return JSON.stringify([kind, from, to, source, station, carGroup, channel, type]);
}
