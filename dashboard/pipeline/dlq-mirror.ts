import type { KafkaClient as Kafka, KafkaConsumer as Consumer } from '../../lib/kafka/client-types.js';
import type { Logger } from '../../lib/logger.js';

/** A record of qf.dlq as the pipeline view shows it. */
export interface DlqRecord {
  partition: number;
  offset: string;
  /** When Kafka received it, ISO-8601 UTC. */
  at: string;
  key: string | null;
  /** Why it could not be processed (every producer of qf.dlq writes one), or null. */
  reason: string | null;
  /** Where it came from, when the entry says (a source, a topic). */
  origin: string | null;
  /** The entry itself: JSON when it parses, else its text (both cut at 10 kB). */
  value: unknown;
}

const MAX_VALUE_CHARS = 10_000;

export function toDlqRecord(message: {
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
}): DlqRecord {
  const text = message.value?.toString('utf8') ?? '';
  let value: unknown = text.slice(0, MAX_VALUE_CHARS);
  if (text.length <= MAX_VALUE_CHARS) {
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      // not JSON: shown as text
    }
  }
  const entry = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const pick = (...keys: string[]) => {
    for (const key of keys) if (typeof entry[key] === 'string') return entry[key];
    return null;
  };
  const ms = Number(message.timestamp);
  return {
    partition: message.partition,
    offset: message.offset,
    at: Number.isFinite(ms) ? new Date(ms).toISOString() : '',
    key: message.key?.toString('utf8') ?? null,
    reason: pick('reason', 'error'),
    origin: pick('source', 'topic'),
    value,
  };
}

/**
 * The latest records of qf.dlq, kept in memory for the pipeline view. Each dashboard process reads
 * the topic from the beginning in a consumer group of its own and commits nothing, so every start
 * sees what Kafka still keeps; only the newest `capacity` records are held.
 */
export class DlqMirror {
  private readonly records: DlqRecord[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly options: {
      kafka: Kafka;
      topic: string;
      groupId: string;
      capacity: number;
      logger: Logger;
    },
  ) {}

  /** Starts reading in the background; Kafka being down delays the view, never the dashboard. */
  start(): void {
    const consumer = this.options.kafka.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    const run = async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          this.records.push(toDlqRecord({ partition, ...message }));
          if (this.records.length > this.options.capacity) this.records.shift();
          return Promise.resolve();
        },
      });
    };
    run().catch((error: unknown) => {
      this.options.logger.warn({ err: error, topic: this.options.topic }, 'cannot read the DLQ topic');
    });
  }

  /** The newest records first. */
  recent(limit: number): DlqRecord[] {
    return this.records.slice(-limit).reverse();
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
