import type { CheckName } from '../../lib/alerts/alert.js';
import { alertId } from '../../lib/alerts/alert.js';
import type { AlertStore } from '../../lib/alerts/alert-store.js';
import type { Config } from '../../lib/config/schema.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { withProcessorLag } from '../../lib/pipeline/processor-lag.js';
import { checkStore } from '../../processor/check.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import type { KafkaOffsets } from '../readers/kafka-offsets.js';
import { readSourceActivity } from '../readers/activity-reader.js';
import { readPipelineStatus } from '../readers/pipeline-reader.js';
import type { HourCounts } from '../readers/volume-reader.js';
import { lastHourAndWeeksBefore } from '../readers/volume-reader.js';
import { collectorSpoolObservations } from './collector-spool-check.js';
import { connectorObservations } from './connectors-check.js';
import { consistencyObservation } from './consistency-check.js';
import { conversionObservations } from './conversion-check.js';
import { lastCohortAndWeeksBefore } from '../readers/cohort-reader.js';
import { deadLetterObservation } from './dead-letters-check.js';
import { duplicateRateObservations } from './duplicate-rate-check.js';
import { freshnessObservations, withinBusinessHours } from './freshness-check.js';
import type { CheckOutcome } from './observation.js';
import { isCollectorStatus, isConnectorStatus, isProcessorStatus } from './pipeline-docs.js';
import { processorLagObservations } from './processor-lag-check.js';
import { volumeObservations } from './volume-check.js';

export interface CheckDeps {
  config: Pick<Config, 'worker' | 'kpi' | 'sources' | 'kafka' | 'resolution'>;
  db: RethinkdbClient;
  alerts: AlertStore;
  kafka: KafkaOffsets;
  now: Date;
}

/**
 * Reads what one check needs (RethinkDB, Kafka end offsets) and hands it to the check's pure
 * evaluation. The adapters are here; the verdicts are in the `*-check.ts` files next to this one.
 */
export async function runCheck(check: CheckName, deps: CheckDeps): Promise<CheckOutcome> {
  const { config, db, now } = deps;
  const settings = config.worker.checks;
  switch (check) {
    case 'freshness': {
      const hours = settings.freshness.businessHours;
      if (hours !== null && !withinBusinessHours(hours, config.kpi.timezone, now))
        return { kind: 'skip', reason: 'outside business hours' };
      const sources = config.sources
        .filter((source) => source.enabled)
        .map((source) => ({
          name: source.name,
          kind: source.tables.quotes ? ('quotes' as const) : ('bookings' as const),
        }));
      const since = new Date(now.getTime() - settings.freshness.maxQuietMinutes * 60_000);
      const activity = await readSourceActivity(db, sources, since);
      return { kind: 'observed', observations: freshnessObservations(activity, settings.freshness) };
    }
    case 'volume': {
      const hours = await lastHourAndWeeksBefore(db, now, settings.volume, config.kpi.timezone);
      const quotes = (counts: Map<string, HourCounts>) =>
        new Map([...counts].filter(([, c]) => c.quotes !== 0).map(([subject, c]) => [subject, c.quotes]));
      return {
        kind: 'observed',
        observations: volumeObservations(
          hours.hourStart,
          quotes(hours.current),
          hours.previous.map(quotes),
          settings.volume,
        ),
      };
    }
    case 'duplicateRate': {
      const hours = await lastHourAndWeeksBefore(db, now, settings.duplicateRate, config.kpi.timezone);
      return {
        kind: 'observed',
        observations: duplicateRateObservations(
          hours.hourStart,
          hours.current,
          hours.previous,
          settings.duplicateRate,
        ),
      };
    }
    case 'conversion': {
      const cohorts = await lastCohortAndWeeksBefore(db, now, settings.conversion, config.kpi.timezone);
      return {
        kind: 'observed',
        observations: conversionObservations(
          cohorts.cohortDay,
          cohorts.current,
          cohorts.previous,
          settings.conversion,
        ),
      };
    }
    case 'deadLetters': {
      const topic = config.kafka.topics.dlq.name;
      const total = await deps.kafka.total(topic);
      const previous = await deps.alerts.get(alertId('deadLetters', topic));
      return {
        kind: 'observed',
        observations: [deadLetterObservation(topic, total, previous?.value ?? null, settings.deadLetters)],
      };
    }
    case 'processorLag': {
      const docs = (await readPipelineStatus(db)).filter(isProcessorStatus);
      const withLag = (await withProcessorLag(docs, deps.kafka.highWatermarks)).filter(isProcessorStatus);
      return { kind: 'observed', observations: processorLagObservations(withLag, settings.processorLag) };
    }
    case 'collectorSpool': {
      const docs = (await readPipelineStatus(db)).filter(isCollectorStatus);
      return {
        kind: 'observed',
        observations: collectorSpoolObservations(docs, settings.collectorSpool, now),
      };
    }
    case 'connectors': {
      const docs = (await readPipelineStatus(db)).filter(isConnectorStatus);
      const enabled = config.sources.filter((source) => source.enabled).map((source) => source.name);
      return {
        kind: 'observed',
        observations: connectorObservations(docs, enabled, settings.connectors, now),
      };
    }
    case 'consistency': {
      const report = await checkStore(
        db,
        resolutionRules(config.resolution, config.sources),
        config.kpi.timezone,
      );
      return { kind: 'observed', observations: [consistencyObservation(report)] };
    }
  }
}
