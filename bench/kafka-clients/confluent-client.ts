import type { BenchClient, BenchConsumer, BenchProducer } from './bench-client.js';
import { COLLECTOR_PRODUCE } from './bench-client.js';

/**
 * The part of the binding's KafkaJS-like API this bench calls. The package is not a dependency of
 * the project (its native build needs CKJS_LINKING=dynamic here: bench/README.md), so it is usually
 * absent: its own types cannot be imported and the module is loaded by name.
 */
interface ConfluentKafkaJs {
  Kafka: new (config: Record<string, unknown>) => {
    producer(config: Record<string, unknown>): {
      connect(): Promise<void>;
      send(record: { topic: string; messages: { key: string; value: string }[] }): Promise<unknown>;
      disconnect(): Promise<void>;
    };
    consumer(config: Record<string, unknown>): {
      connect(): Promise<void>;
      subscribe(options: { topics: string[] }): Promise<void>;
      run(options: {
        eachBatchAutoResolve: boolean;
        partitionsConsumedConcurrently: number;
        eachBatch: (payload: {
          batch: { partition: number; messages: { value: Buffer | null }[]; lastOffset(): string };
        }) => Promise<void>;
      }): Promise<void>;
      commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
      disconnect(): Promise<void>;
    };
  };
  logLevel: { NOTHING: number };
}

const PACKAGE = '@confluentinc/kafka-javascript';
const { Kafka, logLevel } = ((await import(PACKAGE)) as { KafkaJS: ConfluentKafkaJs }).KafkaJS;

/** @confluentinc/kafka-javascript 1.10.1 (librdkafka, built from source here), its KafkaJS-like API. */
export const confluentClient: BenchClient = {
  name: '@confluentinc/kafka-javascript 1.10.1',

  async producer(brokers): Promise<BenchProducer> {
    const kafka = new Kafka({ kafkaJS: { clientId: 'kafka-bench', brokers, logLevel: logLevel.NOTHING } });
    const producer = kafka.producer({
      kafkaJS: { acks: -1, allowAutoTopicCreation: false, idempotent: false },
      // librdkafka batches across calls itself; it waits as long as the collector's sink does.
      'linger.ms': COLLECTOR_PRODUCE.lingerMs,
      // A record not delivered within this fails its call (the collector then spools it).
      'message.timeout.ms': 30_000,
    });
    await producer.connect();
    return {
      async send(topic, records) {
        await producer.send({ topic, messages: records.map((r) => ({ key: r.key, value: r.value })) });
      },
      close: () => producer.disconnect(),
    };
  },

  consumer(brokers): BenchConsumer {
    return {
      async consume({ topic, groupId, onBatch, done }) {
        const kafka = new Kafka({
          kafkaJS: { clientId: 'kafka-bench', brokers, logLevel: logLevel.NOTHING },
        });
        const consumer = kafka.consumer({
          kafkaJS: { groupId, fromBeginning: true, autoCommit: false, sessionTimeout: 30_000 },
          // Its default hands eachBatch 32 messages at most; the processor takes what a fetch brings.
          'js.consumer.max.batch.size': -1,
        });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic] });
        let finished!: () => void;
        const allRead = new Promise<void>((resolve) => (finished = resolve));
        await consumer.run({
          eachBatchAutoResolve: true,
          partitionsConsumedConcurrently: 3,
          eachBatch: async ({ batch }) => {
            onBatch({ values: batch.messages.map((m) => m.value?.toString() ?? '') });
            await consumer.commitOffsets([
              { topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
            ]);
            if (done()) finished();
          },
        });
        await allRead;
        await consumer.disconnect();
      },
    };
  },
};
