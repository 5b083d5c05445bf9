import type { Observation } from './observation.js';
import type { ProcessorStatusDoc } from './pipeline-docs.js';

/**
 * Processor lag per topic: the messages waiting on all its partitions (Kafka end offset − last
 * committed), firing above `maxMessages`. Partitions whose lag could not be read are left out.
 */
export function processorLagObservations(
  statuses: readonly ProcessorStatusDoc[],
  settings: { maxMessages: number },
): Observation[] {
  const byTopic = new Map<string, { lag: number; partitions: number }>();
  for (const status of statuses) {
    if (status.lag === undefined) continue;
    const entry = byTopic.get(status.topic) ?? { lag: 0, partitions: 0 };
    entry.lag += status.lag;
    entry.partitions += 1;
    byTopic.set(status.topic, entry);
  }
  return [...byTopic.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([topic, { lag, partitions }]) => {
      const firing = lag > settings.maxMessages;
      return {
        check: 'processorLag',
        subject: topic,
        firing,
        summary: firing
          ? `the processor is ${lag} messages behind on ${topic} (more than ${settings.maxMessages})`
          : `the processor is ${lag} messages behind on ${topic}`,
        details: { lag, partitions, maxMessages: settings.maxMessages },
        value: lag,
      };
    });
}
