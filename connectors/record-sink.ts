import type {
  KafkaMessage as Message,
  KafkaProducer as Producer,
  KafkaTopicMessages as TopicMessages,
} from '../lib/kafka/client-types.js';
import { classifyKafkaError } from '../lib/kafka/kafka-errors.js';
import type { KeyedMessage } from './mapping/keyed-messages.js';
import { planMessages } from './mapping/keyed-messages.js';
import type { MapOutcome } from './mapping/row-mapper.js';
import type { OffsetStore, SourceState } from './offsets/offset-store.js';

export interface SinkTopics {
  quote: { name: string; partitions: number };
  booking: { name: string; partitions: number };
  dlq: string;
}

export interface RecordSinkOptions {
  source: string;
  producer: Producer;
  offsetStore: OffsetStore;
  topics: SinkTopics;
  /**
   * The log carries every change's old row (MySQL/MariaDB binlog with binlog_row_image=FULL): the
   * old key comes from it, so no last key per id is kept or written. Default false.
   */
  keysFromRows?: boolean;
}

export interface DeliveryResult {
  records: number;
  messages: number;
  dlq: number;
}

/**
 * Sends one source's mapped rows to Kafka (acks=all, through the idempotent producer), then
 * commits the offset they bring the table to. The last key of every id is tracked here: it decides
 * where deletes and removals go, and it is committed with the offset, never before the records.
 */
export class RecordSink {
  private readonly state: SourceState;

  constructor(private readonly options: RecordSinkOptions) {
    this.state = options.offsetStore.state(options.source);
  }

  committedOffset(table: string): unknown {
    return this.state.offsets.get(table);
  }

  async deliver(outcomes: readonly MapOutcome[], table: string, offset: unknown): Promise<DeliveryResult> {
    const { topics } = this.options;
    const keyChanges = new Map<string, string | null>();
    const byTopic = new Map<string, Message[]>();
    const push = (topic: string, message: Message) => {
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    };
    let records = 0;
    let dlq = 0;
    for (const outcome of outcomes) {
      if (outcome.type === 'dlq') {
        dlq++;
        push(topics.dlq, {
          key: `${outcome.dlq.source}|${outcome.dlq.table}`,
          value: JSON.stringify(outcome.dlq),
        });
        continue;
      }
      records++;
      const { record } = outcome;
      const topic = topics[record.kind];
      if (this.options.keysFromRows === true) {
        const plan = planMessages(record, outcome.stationKey, outcome.previousStationKey, topic.partitions);
        for (const message of plan.messages) push(topic.name, toKafka(message));
        continue;
      }
      const recordKey = `${record.kind}:${record.id}`;
      const previous = keyChanges.has(recordKey)
        ? (keyChanges.get(recordKey) ?? undefined)
        : this.state.lastKeys.get(recordKey);
      const plan = planMessages(record, outcome.stationKey, previous, topic.partitions);
      for (const message of plan.messages) push(topic.name, toKafka(message));
      if ((plan.lastKey ?? undefined) !== previous) keyChanges.set(recordKey, plan.lastKey);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    if (topicMessages.length > 0) {
      try {
        await this.options.producer.sendBatch({ acks: -1, topicMessages });
      } catch (error) {
        throw classifyKafkaError(error);
      }
    }
    await this.options.offsetStore.commit(this.options.source, table, offset, keyChanges);
    this.state.offsets.set(table, offset);
    for (const [recordKey, key] of keyChanges) {
      if (key === null) this.state.lastKeys.delete(recordKey);
      else this.state.lastKeys.set(recordKey, key);
    }
    return { records, messages: topicMessages.reduce((n, t) => n + t.messages.length, 0), dlq };
  }
}

function toKafka(message: KeyedMessage): Message {
  const value = JSON.stringify(message.record);
  return message.partition === undefined
    ? { key: message.key, value }
    : { key: message.key, partition: message.partition, value };
}
