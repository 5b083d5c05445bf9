import { Kafka, logLevel } from 'kafkajs';
import type { BenchClient, BenchConsumer, BenchProducer } from './bench-client.js';

/** kafkajs as the appliance uses it today (cli/commands/collector.ts, processor/processor-service.ts). */
export const kafkajsClient: BenchClient = {
  name: 'kafkajs 2.2.4',

  async producer(brokers): Promise<BenchProducer> {
    const kafka = new Kafka({ clientId: 'kafka-bench', brokers, logLevel: logLevel.NOTHING });
    // The collector's producer: not idempotent (the spool re-sends), acks=all per send.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return {
      async send(topic, records) {
        await producer.send({
          topic,
          acks: -1,
          messages: records.map((r) => ({ key: r.key, value: r.value })),
        });
      },
      close: () => producer.disconnect(),
    };
  },

  consumer(brokers): BenchConsumer {
    return {
      async consume({ topic, groupId, onBatch, done }) {
        const kafka = new Kafka({ clientId: 'kafka-bench', brokers, logLevel: logLevel.NOTHING });
        const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, maxBytesPerPartition: 1_048_576 });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        let finished!: () => void;
        const allRead = new Promise<void>((resolve) => (finished = resolve));
        await consumer.run({
          autoCommit: false,
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
