import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { expect } from 'chai';
import {
  KAFKA_BROKERS,
  WRITE_KEY,
  basic,
  collectorConfig,
  countById,
  createTopic,
  kafkaClient,
  readTopic,
  startCollector,
  tempDir,
} from './harness.js';

describe('collector with a full spool (real Kafka)', function () {
  this.timeout(120_000);
  let admin: Admin;
  let topic: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    admin = kafkaClient().admin();
    await admin.connect();
    topic = await createTopic(admin);
    spoolDir = await tempDir('qf-collector-full-');
  });

  after(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  describe('when Kafka is unreachable and the spool reaches its budget', () => {
    it('should answer 503 with Retry-After, never drop an acknowledged event, and deliver them later', async () => {
      const config = collectorConfig({
        produceDeadlineMs: 200,
        spool: { dir: spoolDir.path, maxBytes: 64 * 1024, segmentBytes: 16 * 1024, retryAfterSeconds: 7 },
      });
      // Nothing listens on port 9: every connection to "Kafka" is refused.
      const offline = await startCollector(['127.0.0.1:9'], topic, config);
      const base = `http://127.0.0.1:${offline.address.port}`;
      const acknowledged: string[] = [];
      let refusal: Response | undefined;
      for (let n = 0; n < 200 && refusal === undefined; n++) {
        const batch = Array.from({ length: 20 }, () => ({
          id: randomUUID(),
          name: 'fill',
          anonymousId: 'v',
        }));
        const response = await fetch(`${base}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY) },
          body: JSON.stringify({ batch }),
        });
        await response.arrayBuffer();
        if (response.status === 200) acknowledged.push(...batch.map((e) => e.id));
        else refusal = response;
      }
      expect(refusal?.status).to.equal(503);
      expect(refusal?.headers.get('retry-after')).to.equal('7');
      expect((await fetch(`${base}/readyz`)).status).to.equal(503);
      expect(acknowledged.length).to.be.greaterThan(0);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).to.match(
        /quoteflow_collector_kafka_fallbacks_total\{reason="(deadline|error)"\} [1-9]/,
      );
      expect(metrics).to.match(
        /quoteflow_collector_events_total\{outcome="refused",reason="spool_full"\} 20/,
      );
      expect(metrics).to.match(
        new RegExp(
          `quoteflow_collector_events_total\\{outcome="spool",reason=""\\} ${acknowledged.length}\\b`,
        ),
      );
      expect(metrics).to.match(/quoteflow_collector_spool_bytes [1-9]/);
      await offline.close();

      const online = await startCollector(KAFKA_BROKERS, topic, config);
      try {
        const counts = countById(
          await readTopic(kafkaClient(), topic, (r) => r.length >= acknowledged.length),
        );
        expect(acknowledged.filter((id) => counts.get(id) !== 1)).to.deep.equal([]);
        expect(counts.size).to.equal(acknowledged.length);
      } finally {
        await online.close();
      }
    });
  });
});
