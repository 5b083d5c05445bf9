import { localMidnight } from '../../lib/time/zoned-time.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `from`/`to` given as a plain date (`2026-06-25`) mean local midnight in the KPI time zone, as an
 * analyst means them; full timestamps are left as they are. Returns a copy of the query.
 */
export function localDatesToInstants(query: Record<string, unknown>, zone: string): Record<string, unknown> {
  const out = { ...query };
  for (const key of ['from', 'to']) {
    const value = out[key];
    if (
      typeof value === 'string' &&
      DATE_ONLY.test(value) &&
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
    ) {
      out[key] = localMidnight(value, zone).toISOString();
    }
  }
  return out;
}
