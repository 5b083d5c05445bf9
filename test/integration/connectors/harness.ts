import type { Consumer, Kafka } from 'kafkajs';
import { configSchema } from '../../../lib/config/schema.js';
import type { Config } from '../../../lib/config/schema.js';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import { ensureTopics } from '../../../lib/kafka/topics.js';
import { silentLogger } from '../../support/silent-logger.js';
import { services, uniqueName } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';

export interface Received {
  topic: string;
  partition: number;
  offset?: string;
  key: string | null;
  value: Record<string, unknown>;
}

/** Unique topics for one test, a consumer that collects everything on them, and cleanup. */
export class KafkaHarness {
  readonly kafka: Kafka = createKafka(
    configSchema.parse({ kafka: { brokers: services.kafkaBrokers } }).kafka,
    silentLogger,
  );
  readonly topics = {
    quotes: uniqueName('qf_t_quotes'),
    bookings: uniqueName('qf_t_bookings'),
    dlq: uniqueName('qf_t_dlq'),
    offsets: uniqueName('qf_t_offsets'),
  };
  readonly received: Received[] = [];
  private consumer: Consumer | undefined;
  private readonly seen = new Set<string>();

  async start(partitions = 3): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const spec = (name: string, n: number) => ({
      name,
      partitions: n,
      replicationFactor: 1,
      cleanupPolicy: 'delete' as const,
      retentionMs: 3_600_000,
    });
    await ensureTopics(
      admin,
      [
        spec(this.topics.quotes, partitions),
        spec(this.topics.bookings, partitions),
        spec(this.topics.dlq, 1),
      ],
      silentLogger,
    );
    await admin.disconnect();
    this.consumer = this.kafka.consumer({ groupId: uniqueName('qf_t_group'), maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [this.topics.quotes, this.topics.bookings, this.topics.dlq],
      fromBeginning: true,
    });
    await this.consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        // A consumer group may hand a message over twice (a rebalance before its offset commit);
        // the test counts what the connector produced, so each Kafka offset counts once.
        const where = `${topic}/${partition}/${message.offset}`;
        if (this.seen.has(where)) return Promise.resolve();
        this.seen.add(where);
        this.received.push({
          offset: message.offset,
          topic,
          partition,
          key: message.key ? message.key.toString() : null,
          value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
        });
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin
      .deleteTopics({ topics: Object.values(this.topics).filter((t) => existing.has(t)) })
      .catch(() => undefined);
    await admin.disconnect();
  }

  config(sources: unknown[], connectors: Record<string, unknown> = {}): Config {
    return configSchema.parse({
      kafka: {
        brokers: services.kafkaBrokers,
        topics: {
          quotes: { name: this.topics.quotes },
          bookings: { name: this.topics.bookings },
          dlq: { name: this.topics.dlq },
        },
      },
      connectors: {
        offsetsTopic: this.topics.offsets,
        reconnectInitialDelayMs: 100,
        reconnectMaxDelayMs: 1000,
        httpPort: 0,
        ...connectors,
      },
      sources,
    });
  }

  on(topic: keyof KafkaHarness['topics']): Received[] {
    return this.received.filter((m) => m.topic === this.topics[topic]);
  }

  /** Resolves with the messages once `predicate` holds for what has arrived; rejects after `timeoutMs`. */
  async waitFor(
    description: string,
    predicate: (received: Received[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<Received[]> {
    await waitFor(description, () => predicate(this.received), { timeoutMs, intervalMs: 50 }).catch(
      (error: unknown) => {
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}; received ${JSON.stringify(this.received.map((m) => [m.topic, m.key, m.value.id ?? m.value.reason, m.value.op, m.value.version]))}`,
        );
      },
    );
    return this.received;
  }
}

/** The source-table mapping the tests use: one broker schema with local times. */
export function quotesSource(
  name: string,
  client: 'postgres' | 'mysql',
  table: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    client,
    mode: 'poll',
    connection: client === 'postgres' ? services.postgres : services.mariadb,
    timezone: 'Europe/Rome',
    pollIntervalMs: 100,
    pollLookbackMs: 5000,
    tables: {
      quotes: {
        table,
        key: 'id',
        columns: {
          quotedAt: 'created_at',
          updatedAt: 'updated_at',
          deleted: 'deleted',
          customerEmail: 'email',
          pickupStation: 'pickup_station',
          pickupAt: 'pickup_at',
          dropoffStation: 'dropoff_station',
          dropoffAt: 'dropoff_at',
          carGroup: 'car_group',
          priceAmount: 'price',
        },
      },
    },
    ...extra,
  };
}

export function quoteIdsAndVersions(received: Received[]): string[] {
  return received
    .filter((m) => m.value.op === 'upsert')
    .map((m) => `${String(m.value.id)}@${String(m.value.version)}`);
}
