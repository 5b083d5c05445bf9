import type { Logger } from 'pino';
import type { DurableProducer } from '../../lib/kafka/durable-producer.js';
import { retry } from '../../lib/retry.js';
import type { SpoolRecord } from '../spool/frame.js';

/** Where events go when all is well: one call, one produce request acknowledged by all replicas. */
export interface RecordSender {
  send(records: readonly SpoolRecord[]): Promise<void>;
}

/**
 * A durable producer (lib/kafka, acks=all) as a RecordSender for one topic. It connects in the
 * background (Kafka may be down when the collector starts: events then go to the spool) and
 * sends wait for the connection. A failed send rejects with the producer's classified error:
 * KAFKA_RECORD_REFUSED, KAFKA_REFUSED or the retriable KAFKA_UNAVAILABLE.
 */
export class KafkaRecordSender implements RecordSender {
  private connected: Promise<void> | undefined;
  private readonly stopped = new AbortController();

  constructor(
    private readonly options: {
      producer: DurableProducer;
      topic: string;
      logger: Logger;
      observe?: (seconds: number) => void;
    },
  ) {}

  connect(): Promise<void> {
    this.connected ??= this.connectWithBackoff();
    return this.connected;
  }

  send(records: readonly SpoolRecord[]): Promise<void> {
    return this.sendTo(this.options.topic, records);
  }

  /** The same producer, to another topic (the collector's entries in qf.dlq). */
  async sendTo(topic: string, records: readonly SpoolRecord[]): Promise<void> {
    await this.connect();
    const started = process.hrtime.bigint();
    await this.options.producer.send(topic, records);
    this.options.observe?.(Number(process.hrtime.bigint() - started) / 1e9);
  }

  async disconnect(): Promise<void> {
    this.stopped.abort();
    await this.options.producer.disconnect();
  }

  private async connectWithBackoff(): Promise<void> {
    await retry(() => this.options.producer.connect(), {
      signal: this.stopped.signal,
      backoff: { initialMs: 250, maxMs: 10_000 },
      // A refused SASL login is worth retrying too: the broker's users may be fixed meanwhile.
      isRetriable: () => true,
      onRetry: (error, attempt) => {
        this.options.logger.warn({ attempt, err: error }, 'Kafka connect failed; retrying');
      },
    });
    this.options.logger.info({ topic: this.options.topic }, 'connected to Kafka');
  }
}
