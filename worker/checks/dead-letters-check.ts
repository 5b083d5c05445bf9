import type { Observation } from './observation.js';

/**
 * Dead-letter growth: the records qf.dlq received since the previous run (its end offsets summed
 * over partitions, which only grow), firing above `maxNew`. The first run has nothing to compare
 * with and only records the total.
 */
export function deadLetterObservation(
  topic: string,
  total: number,
  previousTotal: number | null,
  settings: { maxNew: number },
): Observation {
  const fresh = previousTotal === null ? 0 : Math.max(0, total - previousTotal);
  const firing = fresh > settings.maxNew;
  return {
    check: 'deadLetters',
    subject: topic,
    firing,
    summary: firing
      ? `${fresh} new records in ${topic} since the previous check (pipeline view: reasons)`
      : `no new records in ${topic} beyond ${settings.maxNew}`,
    details: { new: fresh, total, previousTotal, maxNew: settings.maxNew },
    value: total,
  };
}
