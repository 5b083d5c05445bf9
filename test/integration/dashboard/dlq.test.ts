import { expect } from 'chai';
import type { Producer } from 'kafkajs';
import { parseConfig } from '../../../lib/config/load-config.js';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import { ensureTopics } from '../../../lib/kafka/topics.js';
import type { DlqRecord } from '../../../dashboard/pipeline/dlq-mirror.js';
import { DlqMirror } from '../../../dashboard/pipeline/dlq-mirror.js';
import type { HttpSession } from '../../support/http-session.js';
import { services, uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';
import { TestDashboard } from '../../support/test-dashboard.js';

describe('dashboard DLQ view (real Kafka)', function () {
  this.timeout(60_000);
  const kafka = createKafka(
    parseConfig('', { QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') }).config.kafka,
    silentLogger,
  );
  const topic = uniqueName('qf.test.dlq');
  const dashboard = new TestDashboard('UTC');
  let producer: Producer;
  let mirror: DlqMirror;
  let viewer: HttpSession;

  before(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(
      admin,
      [{ name: topic, partitions: 1, replicationFactor: 1, cleanupPolicy: 'delete', retentionMs: 3_600_000 }],
      silentLogger,
    );
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        {
          key: 'rentalcars:19',
          value: JSON.stringify({
            source: 'rentalcars',
            table: 'quotes',
            key: '19',
            reason: 'quotedAt: required',
          }),
        },
        {
          value: JSON.stringify({
            reason: 'is not valid JSON',
            topic: 'qf.quotes',
            partition: 2,
            offset: '7',
            value: '{oops',
          }),
        },
        { value: 'not json at all' },
      ],
    });
    mirror = new DlqMirror({
      kafka,
      topic,
      groupId: uniqueName('qf-test-dlq'),
      capacity: 2,
      logger: silentLogger,
    });
    mirror.start();
    dashboard.dlq = mirror;
    await dashboard.migrate();
    await dashboard.users.create({ email: 'vic@example.com', role: 'viewer', password: 'viewer password!' });
    const base = await dashboard.start();
    viewer = (await dashboard.signIn(base, { email: 'vic@example.com', password: 'viewer password!' }))
      .session;
  });

  after(async () => {
    await mirror.close();
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await dashboard.close();
  });

  it('should serve the newest records with their reasons, keeping only its capacity', async () => {
    let records: DlqRecord[] = [];
    await waitFor(
      'two dead letters served',
      async () => {
        records = ((await viewer.request('GET', '/api/v1/dlq?limit=10')).json?.records ?? []) as DlqRecord[];
        return records.length >= 2;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(records.map((record) => [record.offset, record.reason, record.origin])).to.deep.equal([
      ['2', null, null],
      ['1', 'is not valid JSON', 'qf.quotes'],
    ]);
    expect(records[0]?.value).to.equal('not json at all');
    expect((await viewer.request('GET', '/api/v1/dlq?limit=0')).status).to.equal(400);
  });

  it('should count every record on the DLQ card, not only those it holds', async () => {
    const health = await viewer.request('GET', '/api/v1/pipeline/health');
    expect(health.json?.dlq).to.deep.include({ total: 3, held: 2 });
    expect((health.json?.dlq as { reasons: unknown[] }).reasons).to.deep.equal([
      { reason: '(no reason given)', count: 1 },
      { reason: 'is not valid JSON', count: 1 },
      { reason: 'quotedAt: required', count: 1 },
    ]);
  });
});
