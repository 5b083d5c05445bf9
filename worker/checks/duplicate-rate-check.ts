import type { HourCounts } from '../readers/volume-reader.js';
import type { Observation } from './observation.js';
import { median } from './volume-check.js';

export interface DuplicateRateSettings {
  /** Fire when the hour's rate is this far (absolute, 0.15 = 15 points) from the expectation. */
  maxDeviation: number;
  /** Judge an hour, and use a past week, only with at least this many quotes. */
  minQuotes: number;
}

/** Duplicate rate = (quotes − demands) / quotes (DESIGN.md, KPIs); null without quotes. */
export function duplicateRate(counts: HourCounts | undefined): number | null {
  if (!counts || counts.quotes === 0) return null;
  return (counts.quotes - counts.demands) / counts.quotes;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * Duplicate-rate spikes, on the volume check's baseline: the hour's duplicate rate per subject
 * against the median of the same hour's rate in previous weeks (weeks with fewer than `minQuotes`
 * quotes are left out of the median, as their rate is noise). Fires when the two differ by more
 * than `maxDeviation`; an hour with fewer than `minQuotes` quotes, or without a usable past
 * week, is not judged. A jump usually means a broker re-sending quotes (or a connector replaying
 * changes as new rows); a drop, that duplicates stopped being recognised.
 */
export function duplicateRateObservations(
  hourStart: string,
  current: ReadonlyMap<string, HourCounts>,
  previousWeeks: readonly ReadonlyMap<string, HourCounts>[],
  settings: DuplicateRateSettings,
): Observation[] {
  const subjects = new Set<string>(current.keys());
  return [...subjects].sort().map((subject) => {
    const counts = current.get(subject);
    const rate = duplicateRate(counts);
    const history = previousWeeks
      .map((week) => week.get(subject))
      .filter((week): week is HourCounts => week !== undefined && week.quotes >= settings.minQuotes)
      .map((week) => round(duplicateRate(week) ?? 0));
    const quotes = counts?.quotes ?? 0;
    const judged = rate !== null && quotes >= settings.minQuotes && history.length > 0;
    const expected = round(median(history));
    const deviation = rate === null ? 0 : round(rate - expected);
    const firing = judged && Math.abs(deviation) > settings.maxDeviation;
    const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
    const details = {
      hourStart,
      quotes,
      demands: counts?.demands ?? 0,
      rate: rate === null ? null : round(rate),
      expected,
      history,
      maxDeviation: settings.maxDeviation,
      minQuotes: settings.minQuotes,
    };
    const summary = !judged
      ? `${subject}: ${quotes} quotes in the hour from ${hourStart}; too few quotes or no usable past week to judge`
      : `${subject}: duplicate rate ${percent(rate)} in the hour from ${hourStart}, expected ${percent(expected)}${
          firing ? ` (more than ${percent(settings.maxDeviation)} off)` : ''
        }`;
    return {
      check: 'duplicateRate',
      subject,
      firing,
      summary,
      details,
      value: rate === null ? null : round(rate),
    };
  });
}
