import type { Observation } from './observation.js';
import { median } from './volume-check.js';

/** One subject's demands first quoted on a cohort day, and those converted within the age. */
export interface CohortCounts {
  demands: number;
  converted: number;
}

export interface ConversionSettings {
  /** Conversions are counted within this many days of a demand's first quote. */
  ageDays: number;
  /** Fire when the cohort's rate is this far (absolute, 0.05 = 5 points) from the expectation. */
  maxDeviation: number;
  /** Judge a cohort, and use a past week's, only with at least this many demands. */
  minDemands: number;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

function rate(counts: CohortCounts): number {
  return counts.demands === 0 ? 0 : counts.converted / counts.demands;
}

/**
 * Conversion spikes and drops, compared at the same age. A demand's conversion is known only
 * days after its first quote (bookings follow quotes by up to bookedWithinDays), so the last
 * hour's conversion always looks low next to older weeks. The fair comparison is of cohorts:
 * the demands first quoted on one local day D, old enough that every one of them had `ageDays`
 * days to convert, counting a conversion only if it came within `ageDays` of the demand's first
 * quote — and the same for the same weekday of the previous weeks (their median is the
 * expectation; weeks with fewer than `minDemands` demands are left out). So every cohort had
 * exactly the same time to convert. Fires when the two differ by more than `maxDeviation`.
 */
export function conversionObservations(
  cohortDay: string,
  current: ReadonlyMap<string, CohortCounts>,
  previousWeeks: readonly ReadonlyMap<string, CohortCounts>[],
  settings: ConversionSettings,
): Observation[] {
  return [...current.keys()].sort().map((subject) => {
    const counts = current.get(subject) ?? { demands: 0, converted: 0 };
    const history = previousWeeks
      .map((week) => week.get(subject))
      .filter((week): week is CohortCounts => week !== undefined && week.demands >= settings.minDemands)
      .map((week) => round(rate(week)));
    const judged = counts.demands >= settings.minDemands && history.length > 0;
    const observed = round(rate(counts));
    const expected = round(median(history));
    // Rounded like the rates, so a difference of exactly maxDeviation does not fire on a float's tail.
    const firing = judged && Math.abs(round(observed - expected)) > settings.maxDeviation;
    const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
    return {
      check: 'conversion',
      subject,
      firing,
      summary: !judged
        ? `${subject}: ${counts.demands} demands first quoted on ${cohortDay}; too few demands or no usable past week to judge`
        : `${subject}: ${percent(observed)} of the demands first quoted on ${cohortDay} converted within ${settings.ageDays} days, expected ${percent(expected)}${
            firing ? ` (more than ${percent(settings.maxDeviation)} off)` : ''
          }`,
      details: {
        cohortDay,
        ageDays: settings.ageDays,
        demands: counts.demands,
        converted: counts.converted,
        rate: observed,
        expected,
        history,
        maxDeviation: settings.maxDeviation,
        minDemands: settings.minDemands,
      },
      value: observed,
    };
  });
}
