import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { CollectorOptions } from '../../../collector/collector.js';
import { Collector } from '../../../collector/collector.js';
import type { CollectorConfig } from '../../../lib/config/schema.js';
import { parseConfig } from '../../../lib/config/load-config.js';
import { createDurableProducer } from '../../../lib/kafka/durable-producer.js';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import { ensureTopics } from '../../../lib/kafka/topics.js';
import { createLogger } from '../../../lib/logger.js';
import type { CanonicalEvent } from '../../../lib/records/canonical.js';
import { services, uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

export const WRITE_KEY = 'wk_test_0123456789';
export const OTHER_KEY = 'wk_other_0123456789';

/** The collector section as a file would give it, with overrides. */
export function collectorConfig(overrides: Partial<CollectorConfig> = {}): CollectorConfig {
  const { config } = parseConfig('', {});
  return {
    ...config.collector,
    port: 0,
    host: '127.0.0.1',
    projects: [
      { name: 'website', writeKeys: [WRITE_KEY] },
      { name: 'app', writeKeys: [OTHER_KEY] },
    ],
    ...overrides,
  };
}

export function kafkaClient(): Kafka {
  const { config } = parseConfig('', { QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') });
  return createKafka(config.kafka, silentLogger);
}

/** A topic of its own for one test, deleted by `dropTopic`. */
export async function createTopic(admin: Admin, partitions = 3): Promise<string> {
  const name = uniqueName('qf.test.collector');
  await ensureTopics(
    admin,
    [{ name, partitions, replicationFactor: 1, cleanupPolicy: 'delete', retentionMs: 3_600_000 }],
    silentLogger,
  );
  return name;
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The shared broker's addresses, where collectors under test send unless told otherwise. */
export const KAFKA_BROKERS: readonly string[] = services.kafkaBrokers;

/** A collector whose durable producer (the production one) sends to `brokers`. */
export async function startCollector(
  brokers: readonly string[],
  topic: string,
  config: CollectorConfig,
  extra: Pick<CollectorOptions, 'links' | 'dlqTopic'> = {},
): Promise<Collector> {
  // QF_TEST_LOG=warn shows what the collector says while a test runs.
  const logger = process.env.QF_TEST_LOG ? createLogger({ level: process.env.QF_TEST_LOG }) : silentLogger;
  const { config: kafkaConfig } = parseConfig('', { QF_KAFKA_BROKERS: brokers.join(',') });
  return Collector.start({
    ...extra,
    config,
    topic,
    producer: createDurableProducer(kafkaConfig.kafka, logger),
    registry: new Registry(),
    logger,
  });
}

export interface ReceivedEvent {
  key: string;
  partition: number;
  event: CanonicalEvent;
}

/**
 * Reads a topic from the beginning until `done` says so (or the timeout passes: the caller's
 * assertions then show what is missing), then on to the topic's end offsets at that moment, so
 * that every duplicate already in the topic is seen too (`readToEnd: false` skips that).
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  done: (received: readonly ReceivedEvent[]) => boolean,
  options: { timeoutMs?: number; readToEnd?: boolean } = {},
): Promise<ReceivedEvent[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('qf-test-collector') });
  const received: ReceivedEvent[] = [];
  /** The next offset to read, per partition. */
  const next = new Map<number, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message, partition }) => {
        received.push({
          key: message.key?.toString() ?? '',
          partition,
          event: JSON.parse(message.value?.toString() ?? 'null') as CanonicalEvent,
        });
        next.set(partition, Number(message.offset) + 1);
        return Promise.resolve();
      },
    });
    await waitFor(`${topic} read`, () => done(received), {
      timeoutMs: options.timeoutMs ?? 30_000,
      intervalMs: 100,
    }).catch(() => undefined);
    if (options.readToEnd ?? true) {
      const admin = kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
      await waitFor(`${topic} read to its end`, () =>
        ends.every((end) => (next.get(end.partition) ?? 0) >= Number(end.high)),
      );
    }
    return received;
  } finally {
    await consumer.disconnect();
  }
}

/** How many times each id arrived. */
export function countById(received: readonly ReceivedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { event } of received) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
  return counts;
}

/** The ids of `expected` that never arrived on the topic (read until all did, or 60 s passed). */
export async function missingFromTopic(
  kafka: Kafka,
  topic: string,
  expected: Iterable<string>,
): Promise<string[]> {
  const ids = new Set(expected);
  const received = await readTopic(kafka, topic, (r) => new Set(r.map((m) => m.event.id)).size >= ids.size, {
    timeoutMs: 60_000,
  });
  const counts = countById(received);
  return [...ids].filter((id) => !counts.has(id));
}

export function basic(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}
