import type { Admin, Kafka } from 'kafkajs';
import { expect } from 'chai';
import { parseConfig } from '../../../lib/config/load-config.js';
import type { DurableProducer } from '../../../lib/kafka/durable-producer.js';
import { createDurableProducer } from '../../../lib/kafka/durable-producer.js';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import { javaCompatiblePartitioner } from '../../../lib/kafka/partitioners.js';
import { QuoteflowError } from '../../../lib/errors.js';
import { services, uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const kafkaConfig = (brokers: readonly string[]) =>
  parseConfig('', { QF_KAFKA_BROKERS: brokers.join(','), QF_KAFKA_CONNECTION_TIMEOUT_MS: '500' }).config
    .kafka;

async function failureOf(promise: Promise<unknown>): Promise<[string, boolean, string]> {
  const error = await promise.then(
    () => new Error('the send succeeded'),
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(QuoteflowError);
  const classified = error as QuoteflowError;
  return [classified.code, classified.retriable, classified.message];
}

describe('the durable producer (@platformatic/kafka) against the real broker', function () {
  this.timeout(60_000);
  let kafka: Kafka;
  let admin: Admin;
  let producer: DurableProducer;
  let topic: string;
  let smallTopic: string;

  before(async () => {
    kafka = createKafka(kafkaConfig(services.kafkaBrokers), silentLogger);
    admin = kafka.admin();
    await admin.connect();
    topic = uniqueName('qf.test.durable-producer');
    smallTopic = uniqueName('qf.test.durable-producer-small');
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 6 },
        {
          topic: smallTopic,
          numPartitions: 1,
          configEntries: [{ name: 'max.message.bytes', value: '2000' }],
        },
      ],
    });
    producer = createDurableProducer(kafkaConfig(services.kafkaBrokers), silentLogger);
    await producer.connect();
  });

  after(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic, smallTopic] });
    await admin.disconnect();
  });

  it('should put each key on the partition the Java partitioner (kafkajs before) chose', async () => {
    const keys = Array.from({ length: 60 }, (_, n) => `visitor-${n}`);
    await producer.send(
      topic,
      keys.map((key) => ({ key, value: key })),
    );
    const partitionMetadata =
      (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
    const expected = new Map(
      keys.map((key) => [
        key,
        javaCompatiblePartitioner()({ topic, partitionMetadata, message: { key, value: null } }),
      ]),
    );
    const seen = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: uniqueName('qf-test-durable-producer') });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message, partition }) => {
          seen.set(message.key?.toString() ?? '', partition);
          return Promise.resolve();
        },
      });
      await waitFor('every key read back', () => seen.size >= keys.length);
    } finally {
      await consumer.disconnect();
    }
    expect(seen).to.deep.equal(expected);
  });

  it('should reject a record over the topic max.message.bytes as KAFKA_RECORD_REFUSED', async () => {
    const [code, retriable, message] = await failureOf(
      producer.send(smallTopic, [{ key: 'visitor-big', value: Buffer.alloc(5000, 0x61) }]),
    );
    expect([code, retriable]).to.deep.equal(['KAFKA_RECORD_REFUSED', false]);
    expect(message).to.match(/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|CORRUPT_MESSAGE/);
    // The same producer keeps working for records the broker takes.
    await producer.send(smallTopic, [{ key: 'visitor-small', value: 'ok' }]);
  });

  it('should reject a send to a missing topic as KAFKA_REFUSED (it never creates one)', async () => {
    const missing = uniqueName('qf.test.durable-producer-missing');
    const [code, retriable] = await failureOf(producer.send(missing, [{ key: 'k', value: 'v' }]));
    expect([code, retriable]).to.deep.equal(['KAFKA_REFUSED', false]);
    const topics = await admin.listTopics();
    expect(topics).not.to.include(missing);
  });

  it('should reject as the retriable KAFKA_UNAVAILABLE when no broker answers', async () => {
    // Nothing listens on port 9: every connection is refused, as with a stopped broker.
    const nowhere = createDurableProducer(kafkaConfig(['127.0.0.1:9']), silentLogger);
    try {
      expect((await failureOf(nowhere.connect())).slice(0, 2)).to.deep.equal(['KAFKA_UNAVAILABLE', true]);
      const [code, retriable] = await failureOf(nowhere.send(topic, [{ key: 'k', value: 'v' }]));
      expect([code, retriable]).to.deep.equal(['KAFKA_UNAVAILABLE', true]);
    } finally {
      await nowhere.disconnect();
    }
  });
});
