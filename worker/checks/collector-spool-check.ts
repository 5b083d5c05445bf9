import type { Observation } from './observation.js';
import type { CollectorStatusDoc } from './pipeline-docs.js';

/** A collector status older than this is a collector that is gone, not one that is spooling. */
export const COLLECTOR_GONE_MS = 60 * 60_000;

/** Collector spool growth: per collector (per spool), firing above `maxRecords` spooled events. */
export function collectorSpoolObservations(
  statuses: readonly CollectorStatusDoc[],
  settings: { maxRecords: number },
  now: Date,
): Observation[] {
  return statuses
    .filter((status) => now.getTime() - Date.parse(status.updatedAt) <= COLLECTOR_GONE_MS)
    .map((status) => {
      const firing = status.spoolRecords > settings.maxRecords;
      return {
        check: 'collectorSpool',
        subject: status.id,
        firing,
        summary: firing
          ? `${status.id} holds ${status.spoolRecords} events in its spool (more than ${settings.maxRecords}): Kafka is away or slow`
          : `${status.id} spool: ${status.spoolRecords} events`,
        details: {
          spoolRecords: status.spoolRecords,
          spoolBytes: status.spoolBytes,
          maxRecords: settings.maxRecords,
        },
        value: status.spoolRecords,
      };
    });
}
