import type { Message } from '@platformatic/kafka';
import {
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import type { BenchClient, BenchConsumer, BenchProducer } from './bench-client.js';

type StringMessage = Message<string, string, string, string>;

/** Groups what the stream holds now by partition: the batches a fetch brought. */
function byPartition(messages: readonly StringMessage[]): Map<number, StringMessage[]> {
  const batches = new Map<number, StringMessage[]>();
  for (const message of messages) {
    const batch = batches.get(message.partition) ?? [];
    batch.push(message);
    batches.set(message.partition, batch);
  }
  return batches;
}

/** @platformatic/kafka 2.12.1 (pure JavaScript, Node ≥ 22). */
export const platformaticClient: BenchClient = {
  name: '@platformatic/kafka 2.12.1',

  async producer(brokers): Promise<BenchProducer> {
    const producer = new Producer({
      clientId: 'kafka-bench',
      bootstrapBrokers: brokers,
      serializers: stringSerializers,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
    });
    await producer.metadata({ topics: [] });
    return {
      async send(topic, records) {
        await producer.send({ messages: records.map((r) => ({ topic, key: r.key, value: r.value })) });
      },
      close: () => producer.close(),
    };
  },

  consumer(brokers): BenchConsumer {
    return {
      async consume({ topic, groupId, onBatch, done }) {
        const consumer = new Consumer({
          clientId: 'kafka-bench',
          groupId,
          bootstrapBrokers: brokers,
          deserializers: stringDeserializers,
          sessionTimeout: 30_000,
          heartbeatInterval: 3_000,
          maxBytesPerPartition: 1_048_576,
        });
        const stream = await consumer.consume({
          topics: [topic],
          autocommit: false,
          mode: MessagesStreamModes.COMMITTED,
          fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        });
        const pending: StringMessage[] = [];
        let wake: (() => void) | undefined;
        stream.on('data', (message: StringMessage) => {
          pending.push(message);
          wake?.();
        });
        while (!done()) {
          if (pending.length === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            continue;
          }
          // As the processor: the next records wait until this batch is handled and committed.
          stream.pause();
          for (const [partition, batch] of byPartition(pending.splice(0))) {
            onBatch({ values: batch.map((m) => m.value) });
            const last = batch[batch.length - 1];
            if (!last) continue;
            await consumer.commit({
              offsets: [{ topic, partition, offset: last.offset + 1n, leaderEpoch: last.leaderEpoch }],
            });
          }
          stream.resume();
        }
        await stream.close();
        await consumer.close();
      },
    };
  },
};
