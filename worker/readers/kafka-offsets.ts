import type { KafkaAdmin as Admin, KafkaClient as Kafka } from '../../lib/kafka/client-types.js';
import type { HighWatermarks } from '../../lib/pipeline/processor-lag.js';

/** Kafka end offsets through one lazily connected admin client (reconnects after a failure). */
export class KafkaOffsets {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  readonly highWatermarks: HighWatermarks = async (topic) => {
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((offset) => [offset.partition, offset.high]));
  };

  /** Every message the topic ever received: its end offsets summed over partitions. */
  async total(topic: string): Promise<number> {
    let sum = 0;
    for (const high of (await this.highWatermarks(topic)).values()) sum += Number(high);
    return sum;
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }
}
