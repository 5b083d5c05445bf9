import type { Observation } from './observation.js';

/** At most this many differences are kept in the alert; the count is always exact. */
const SHOWN = 20;

/** The nightly `quoteflow check`: firing when the stored rollups differ from a recomputation. */
export function consistencyObservation(report: {
  records: Record<string, number>;
  differences: readonly string[];
}): Observation {
  const count = report.differences.length;
  return {
    check: 'consistency',
    subject: 'store',
    firing: count > 0,
    summary:
      count > 0
        ? `quoteflow check found ${count} differences between the stored rollups and a recomputation`
        : 'quoteflow check: no differences',
    details: { records: report.records, differences: count, first: report.differences.slice(0, SHOWN) },
    value: count,
  };
}
