import type { Observation } from './observation.js';

export interface VolumeSettings {
  lowRatio: number;
  highRatio: number;
  minExpected: number;
}

/** The median of some counts (the mean of the middle two for an even number). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Volume: the quotes of one hour per subject (a source, or `source/station`) against the same
 * hour of previous weeks.
 *
 * - expectation = the median of the previous weeks' counts for that hour (a week without quotes
 *   counts 0), so one holiday or one outage in the history does not move it;
 * - low bound = expectation × lowRatio, high bound = expectation × highRatio;
 * - firing when the hour is below the low bound or above the high bound, and never while the
 *   expectation is under `minExpected` (an hour that usually has 3 quotes and now has 0 is noise).
 *
 * `previousWeeks[k]` holds the counts of k+1 weeks earlier. Every subject seen in the hour or in
 * any of those weeks is observed.
 */
export function volumeObservations(
  hourStart: string,
  current: ReadonlyMap<string, number>,
  previousWeeks: readonly ReadonlyMap<string, number>[],
  settings: VolumeSettings,
): Observation[] {
  const subjects = new Set<string>(current.keys());
  for (const week of previousWeeks) for (const subject of week.keys()) subjects.add(subject);
  return [...subjects].sort().map((subject) => {
    const observed = current.get(subject) ?? 0;
    const history = previousWeeks.map((week) => week.get(subject) ?? 0);
    const expected = median(history);
    const low = expected * settings.lowRatio;
    const high = expected * settings.highRatio;
    const judged = expected >= settings.minExpected;
    const tooLow = judged && observed < low;
    const tooHigh = judged && observed > high;
    const details = { hourStart, observed, expected, history, low, high, minExpected: settings.minExpected };
    const summary = tooLow
      ? `${subject}: ${observed} quotes in the hour from ${hourStart}, expected ${expected} (alert below ${low})`
      : tooHigh
        ? `${subject}: ${observed} quotes in the hour from ${hourStart}, expected ${expected} (alert above ${high})`
        : judged
          ? `${subject}: ${observed} quotes, expected ${expected} (${low}–${high})`
          : `${subject}: ${observed} quotes; expectation ${expected} is under ${settings.minExpected}, not judged`;
    return { check: 'volume', subject, firing: tooLow || tooHigh, summary, details, value: observed };
  });
}
