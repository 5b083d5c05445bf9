import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { backoffDelay, sleep } from '../../lib/backoff.js';
import { errorMessage } from '../../lib/errors.js';
import type { SpoolRecord } from '../spool/frame.js';

/** Where events go when all is well: one call, one produce request acknowledged by all replicas. */
export interface RecordSender {
  send(records: readonly SpoolRecord[]): Promise<void>;
}

/**
 * A kafkajs producer as a RecordSender for one topic, with acks=all. It connects in the
 * background (Kafka may be down when the collector starts: events then go to the spool) and
 * sends wait for the connection.
 */
export class KafkaRecordSender implements RecordSender {
  private connected: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly options: {
      producer: Producer;
      topic: string;
      logger: Logger;
      observe?: (seconds: number) => void;
    },
  ) {}

  connect(): Promise<void> {
    this.connected ??= this.connectWithBackoff();
    return this.connected;
  }

  async send(records: readonly SpoolRecord[]): Promise<void> {
    await this.connect();
    const started = process.hrtime.bigint();
    await this.options.producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: records.map((record) => ({ key: record.key, value: record.value })),
    });
    this.options.observe?.(Number(process.hrtime.bigint() - started) / 1e9);
  }

  async disconnect(): Promise<void> {
    this.stopped = true;
    await this.options.producer.disconnect();
  }

  private async connectWithBackoff(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.producer.connect();
        this.options.logger.info({ topic: this.options.topic }, 'connected to Kafka');
        return;
      } catch (error) {
        if (this.stopped) throw error;
        this.options.logger.warn({ attempt, err: errorMessage(error) }, 'Kafka connect failed; retrying');
        await sleep(backoffDelay(attempt, 250, 10_000));
      }
    }
  }
}
