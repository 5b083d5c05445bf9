import type { Admin, Consumer, Producer } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { expect } from 'chai';
import { parseConfig } from '../../lib/config/load-config.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import type { TopicSpec } from '../../lib/kafka/topics.js';
import { ensureTopics } from '../../lib/kafka/topics.js';
import { services, uniqueName } from '../support/services.js';
import { silentLogger } from '../support/silent-logger.js';

const { config } = parseConfig('', { QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') });
const kafka = createKafka(config.kafka, silentLogger);

describe('Kafka (real broker)', function () {
  this.timeout(60_000);
  let admin: Admin;
  const created: string[] = [];

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    if (created.length > 0) await admin.deleteTopics({ topics: created });
    await admin.disconnect();
  });

  describe('ensureTopics', () => {
    it('should create missing topics with their settings, then change nothing on a second run', async () => {
      const spec: TopicSpec = {
        name: uniqueName('qf.test.ensure'),
        partitions: 3,
        replicationFactor: 1,
        cleanupPolicy: 'compact',
        retentionMs: 3_600_000,
      };
      created.push(spec.name);

      expect(await ensureTopics(admin, [spec], silentLogger)).to.deep.equal({
        created: [spec.name],
        grown: [],
        unchanged: [],
      });
      expect(await ensureTopics(admin, [spec], silentLogger)).to.deep.equal({
        created: [],
        grown: [],
        unchanged: [spec.name],
      });

      const metadata = await admin.fetchTopicMetadata({ topics: [spec.name] });
      expect(metadata.topics[0]?.partitions).to.have.length(3);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: spec.name,
            configNames: ['cleanup.policy', 'retention.ms'],
          },
        ],
      });
      const entries = Object.fromEntries(
        (described.resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]),
      );
      expect(entries).to.deep.equal({ 'cleanup.policy': 'compact', 'retention.ms': '3600000' });
    });

    it('should add partitions when the config asks for more', async () => {
      const spec: TopicSpec = {
        name: uniqueName('qf.test.grow'),
        partitions: 1,
        replicationFactor: 1,
        cleanupPolicy: 'delete',
        retentionMs: 3_600_000,
      };
      created.push(spec.name);
      await ensureTopics(admin, [spec], silentLogger);
      expect(await ensureTopics(admin, [{ ...spec, partitions: 4 }], silentLogger)).to.deep.include({
        grown: [spec.name],
      });
      const metadata = await admin.fetchTopicMetadata({ topics: [spec.name] });
      expect(metadata.topics[0]?.partitions).to.have.length(4);
    });
  });

  describe('produce and consume', () => {
    let producer: Producer;
    let consumer: Consumer;

    afterEach(async () => {
      await consumer.disconnect();
      await producer.disconnect();
    });

    it('should deliver what was acknowledged with acks=all, keys and order kept', async () => {
      const topic = uniqueName('qf.test.roundtrip');
      created.push(topic);
      await ensureTopics(
        admin,
        [
          {
            name: topic,
            partitions: 2,
            replicationFactor: 1,
            cleanupPolicy: 'delete',
            retentionMs: 3_600_000,
          },
        ],
        silentLogger,
      );
      producer = kafka.producer({ idempotent: true });
      consumer = kafka.consumer({ groupId: uniqueName('qf-test-group') });
      await producer.connect();
      const sent = Array.from({ length: 20 }, (_, i) => ({
        key: `visitor-${i % 3}`,
        value: JSON.stringify({ seq: i }),
      }));
      await producer.send({ topic, acks: -1, messages: sent });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received: { key: string; seq: number }[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`received ${received.length} of ${sent.length} messages`));
        }, 30_000);
        void consumer.run({
          eachMessage: ({ message }) => {
            const { seq } = JSON.parse(message.value?.toString() ?? '{}') as { seq: number };
            received.push({ key: message.key?.toString() ?? '', seq });
            if (received.length === sent.length) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        });
      });

      expect(received.map((m) => m.seq).sort((a, b) => a - b)).to.deep.equal(sent.map((_, i) => i));
      for (const key of ['visitor-0', 'visitor-1', 'visitor-2']) {
        const seqs = received.filter((m) => m.key === key).map((m) => m.seq);
        expect(seqs, key).to.deep.equal([...seqs].sort((a, b) => a - b));
      }
    });
  });
});
