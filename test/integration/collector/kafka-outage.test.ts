import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { expect } from 'chai';
import type { Collector } from '../../../collector/collector.js';
import { parseConfig } from '../../../lib/config/load-config.js';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import { freePortWithSecond } from '../../faults/support/fault-lab.js';
import { KafkaProcess } from '../../faults/support/kafka-process.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import {
  WRITE_KEY,
  basic,
  collectorConfig,
  countById,
  createTopic,
  readTopic,
  startCollector,
  tempDir,
} from './harness.js';
import { sleep } from './collector-process.js';

describe('collector when Kafka goes away under load (a private broker behind a TCP proxy)', function () {
  this.timeout(300_000);
  let broker: KafkaProcess | undefined;
  let admin: Admin;
  let topic: string;
  let proxy: TcpProxy;
  let collector: Collector;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;

  /** The test's own kafkajs client for the private broker (admin, reading the topic back). */
  const kafka = (): Kafka =>
    createKafka(
      parseConfig('', { QF_KAFKA_BROKERS: `127.0.0.1:${broker?.port ?? 0}` }).config.kafka,
      silentLogger,
    );

  before(async () => {
    // Clients learn broker addresses from metadata, so a proxy given only as the bootstrap address
    // would be bypassed after the first request. A private broker advertises the proxy's port
    // instead: every connection of the collector's producer goes through the proxy. The test's own
    // readers (admin, the topic read-back) are sent to the proxy by metadata too, so they run only
    // while it forwards: before the outage and after it is restored.
    const brokerPort = await freePortWithSecond(1);
    proxy = await new TcpProxy({ host: '127.0.0.1', port: brokerPort }).start();
    broker = new KafkaProcess(brokerPort, proxy.port);
    await broker.start();
    admin = kafka().admin();
    await admin.connect();
    topic = await createTopic(admin);
    await admin.disconnect();
    spoolDir = await tempDir('qf-collector-outage-');
    collector = await startCollector(
      [`127.0.0.1:${proxy.port}`],
      topic,
      collectorConfig({ produceDeadlineMs: 500, spool: { ...collectorConfig().spool, dir: spoolDir.path } }),
    );
  });

  after(async () => {
    await collector.close();
    await proxy.stop();
    await broker?.destroy();
    await spoolDir.remove();
  });

  describe('when the broker stalls, then drops, then comes back', () => {
    it('should answer 2xx throughout and deliver every acknowledged event', async () => {
      const url = `http://127.0.0.1:${collector.address.port}/v1/batch`;
      const acknowledged: string[] = [];
      const failures: number[] = [];
      const routes = new Set<string>();
      let running = true;

      const client = async (worker: number) => {
        for (let n = 0; running; n++) {
          const batch = Array.from({ length: 10 }, (_, i) => ({
            id: randomUUID(),
            name: 'load',
            anonymousId: `visitor-${worker}-${i % 4}`,
            properties: { worker, n, i },
          }));
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY) },
            body: JSON.stringify({ batch }),
          });
          await response.arrayBuffer();
          if (response.status === 200) acknowledged.push(...batch.map((e) => e.id));
          else failures.push(response.status);
          routes.add(collector.context.sink.route);
          // Pacing, not a wait: four clients at about 50 requests a second each.
          await sleep(20);
        }
      };
      const clients = Promise.all([0, 1, 2, 3].map(client));

      await waitFor('answers before the outage', () => acknowledged.length >= 100, { timeoutMs: 30_000 });
      proxy.stall();
      const atStall = acknowledged.length;
      await waitFor(
        'answers from the spool while the broker stalls',
        () => routes.has('spool') && acknowledged.length >= atStall + 50,
        { timeoutMs: 30_000 },
      );
      await proxy.cut();
      const atCut = acknowledged.length;
      await waitFor('answers while the broker is cut off', () => acknowledged.length >= atCut + 100, {
        timeoutMs: 30_000,
      });
      await proxy.restore();
      await waitFor('the direct route again', () => collector.context.sink.route === 'direct', {
        timeoutMs: 60_000,
      });
      const atRestore = acknowledged.length;
      await waitFor('answers after the broker is back', () => acknowledged.length >= atRestore + 50, {
        timeoutMs: 30_000,
      });
      running = false;
      await clients;

      expect(failures).to.deep.equal([]);
      expect([...routes]).to.include.members(['direct', 'spool']);

      const expected = new Set(acknowledged);
      const received = await readTopic(
        kafka(),
        topic,
        (r) => new Set(r.map((m) => m.event.id)).size >= expected.size,
        {
          timeoutMs: 120_000,
        },
      );
      const counts = countById(received);
      const missing = acknowledged.filter((id) => !counts.has(id));
      const unexpected = [...counts.keys()].filter((id) => !expected.has(id));
      expect({ missing, unexpected }).to.deep.equal({ missing: [], unexpected: [] });
      // At least once: only a produce request that missed its deadline and then succeeded can
      // deliver twice. Report how many, so a regression that duplicates everything shows.
      const duplicates = [...counts.values()].filter((c) => c > 1).length;
      expect(duplicates, `duplicates of ${expected.size}`).to.be.lessThan(expected.size / 2);
      expect(collector.context.sink.route).to.equal('direct');
    });
  });
});
