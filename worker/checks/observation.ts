import type { CheckName } from '../../lib/alerts/alert.js';

/** What one run of a check found about one subject (a source, a topic, a collector…). */
export interface Observation {
  check: CheckName;
  subject: string;
  firing: boolean;
  summary: string;
  details: Record<string, unknown>;
  /** A figure the next run compares with (dead letters: the topic's total), else null. */
  value: number | null;
}

/**
 * The outcome of one run: every subject it looked at (a firing alert whose subject is not among
 * them resolves), or `skip` when the check does not apply now (freshness outside business hours),
 * which leaves every alert of the check as it is.
 */
export type CheckOutcome =
  { kind: 'observed'; observations: Observation[] } | { kind: 'skip'; reason: string };
