import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../config/schema.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Compacted topics keep the last message per key (connector offsets); others expire by time. */
  cleanupPolicy: 'delete' | 'compact';
  retentionMs: number;
}

/** The topics every Quoteflow deployment has, from the `kafka.topics` config section. */
export function standardTopics(config: KafkaConfig): TopicSpec[] {
  return Object.values(config.topics).map((topic) => ({
    name: topic.name,
    partitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    cleanupPolicy: 'delete',
    retentionMs: topic.retentionMs,
  }));
}

export interface EnsureTopicsResult {
  created: string[];
  grown: string[];
  unchanged: string[];
}

/**
 * Creates the topics that are missing and adds partitions where a topic has fewer than configured.
 * Idempotent; it never removes partitions or rewrites an existing topic's settings (Kafka cannot
 * shrink a topic, and changing retention under running services is an operator's decision).
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  logger: Logger,
): Promise<EnsureTopicsResult> {
  const result: EnsureTopicsResult = { created: [], grown: [], unchanged: [] };
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: [
          { name: 'cleanup.policy', value: spec.cleanupPolicy },
          { name: 'retention.ms', value: String(spec.retentionMs) },
        ],
      })),
    });
    result.created.push(...missing.map((spec) => spec.name));
  }

  const present = specs.filter((spec) => existing.has(spec.name));
  if (present.length === 0) return result;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.name) });
  for (const spec of present) {
    const current = metadata.topics.find((t) => t.name === spec.name)?.partitions.length ?? 0;
    if (current < spec.partitions) {
      // Adding partitions moves keys to other partitions; only records produced afterwards follow.
      logger.warn({ topic: spec.name, from: current, to: spec.partitions }, 'adding partitions to topic');
      await admin.createPartitions({ topicPartitions: [{ topic: spec.name, count: spec.partitions }] });
      result.grown.push(spec.name);
    } else {
      result.unchanged.push(spec.name);
    }
  }
  return result;
}
