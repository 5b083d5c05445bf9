import type { KafkaClient as Kafka, KafkaProducer as Producer } from '../../lib/kafka/client-types.js';
import type { Logger } from '../../lib/logger.js';
import { ensureTopics } from '../../lib/kafka/topics.js';
import { readCompactedTopic } from './compacted-topic.js';

/** What a source had committed: an offset per table, and the last Kafka key of each record. */
export interface SourceState {
  offsets: Map<string, unknown>;
  /** `<kind>:<id>` → the station key its last version was sent under. */
  lastKeys: Map<string, string>;
}

export interface OffsetStore {
  state(source: string): SourceState;
  /** Stores a table's offset and the key changes that came with it, in one atomic append. */
  commit(
    source: string,
    table: string,
    offset: unknown,
    keyChanges: ReadonlyMap<string, string | null>,
  ): Promise<void>;
}

const SEP = '\u001f';
const offsetKey = (source: string, table: string) => `offset${SEP}${source}${SEP}${table}`;
const lastKeyKey = (source: string, recordKey: string) => `key${SEP}${source}${SEP}${recordKey}`;

/**
 * Offsets and last keys in a compacted Kafka topic (one partition, kept forever): they live in the
 * same system, with the same acks=all durability, as the records they describe; the connectors need
 * nothing but Kafka to resume; compaction keeps one message per key. Every commit is a single
 * produce to that one partition, so the key changes and the offset of a batch land together. They
 * are written only after Kafka acknowledged the batch's records: a crash in between replays the
 * batch (at-least-once), and replaying re-derives the same key changes.
 */
export class KafkaOffsetStore implements OffsetStore {
  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly values: Map<string, string | null>,
  ) {}

  static async open(options: {
    kafka: Kafka;
    producer: Producer;
    topic: string;
    replicationFactor: number;
    logger: Logger;
  }): Promise<KafkaOffsetStore> {
    const { kafka, producer, topic, logger } = options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        [
          {
            name: topic,
            partitions: 1,
            replicationFactor: options.replicationFactor,
            cleanupPolicy: 'compact',
            retentionMs: -1,
          },
        ],
        logger,
      );
    } finally {
      await admin.disconnect();
    }
    return new KafkaOffsetStore(producer, topic, await readCompactedTopic(kafka, topic));
  }

  state(source: string): SourceState {
    const state: SourceState = { offsets: new Map(), lastKeys: new Map() };
    const offsetPrefix = offsetKey(source, '');
    const keyPrefix = lastKeyKey(source, '');
    for (const [key, value] of this.values) {
      if (value === null) continue;
      if (key.startsWith(offsetPrefix))
        state.offsets.set(key.slice(offsetPrefix.length), JSON.parse(value) as unknown);
      else if (key.startsWith(keyPrefix)) state.lastKeys.set(key.slice(keyPrefix.length), value);
    }
    return state;
  }

  async commit(
    source: string,
    table: string,
    offset: unknown,
    keyChanges: ReadonlyMap<string, string | null>,
  ): Promise<void> {
    const messages = [...keyChanges].map(([recordKey, value]) => ({
      key: lastKeyKey(source, recordKey),
      value,
    }));
    messages.push({ key: offsetKey(source, table), value: JSON.stringify(offset) });
    await this.producer.send({ topic: this.topic, acks: -1, messages });
    for (const message of messages) this.values.set(message.key, message.value);
  }
}
