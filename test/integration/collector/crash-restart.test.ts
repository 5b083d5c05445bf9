import { randomUUID } from 'node:crypto';
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { expect } from 'chai';
import { encodeFrame } from '../../../collector/spool/frame.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';
import type { CollectorChild } from './collector-process.js';
import { loadBatches, postBatch, startCollectorProcess, waitHealthy } from './collector-process.js';
import {
  WRITE_KEY,
  countById,
  createTopic,
  kafkaClient,
  missingFromTopic,
  readTopic,
  tempDir,
} from './harness.js';

describe('collector process killed while spooling (real Kafka)', function () {
  this.timeout(180_000);
  let admin: Admin;
  let topic: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;
  const children: CollectorChild[] = [];

  before(async () => {
    admin = kafkaClient().admin();
    await admin.connect();
    topic = await createTopic(admin);
    spoolDir = await tempDir('qf-collector-crash-');
  });

  after(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  describe('when it is SIGKILLed under load with Kafka unreachable, then restarted with Kafka back', () => {
    it('should replay the spool, skip the torn last record, lose nothing, and exit 0 on SIGTERM', async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const env = {
        QF_COLLECTOR_PORT: String(port),
        QF_COLLECTOR_HOST: '127.0.0.1',
        QF_COLLECTOR_SPOOL_DIR: spoolDir.path,
        QF_COLLECTOR_PRODUCE_DEADLINE_MS: '300',
        QF_COLLECTOR_PROJECTS: JSON.stringify([{ name: 'website', writeKeys: [WRITE_KEY] }]),
        QF_KAFKA_TOPICS_EVENTS_NAME: topic,
        QF_KAFKA_CONNECTION_TIMEOUT_MS: '500',
        QF_LOG_LEVEL: 'info',
      };
      // Port 9 (discard) has nothing listening: every connection is refused.
      const first = startCollectorProcess({ ...env, QF_KAFKA_BROKERS: '127.0.0.1:9' });
      children.push(first);
      await waitHealthy(port, first);

      // Requests under way when the process dies get no answer, so they are not acknowledged.
      const load = loadBatches(port);
      const { acknowledged } = load;
      await waitFor('events in the spool', () => acknowledged.length >= 200, { timeoutMs: 30_000 });
      first.process.kill('SIGKILL');
      await load.stop();
      expect((await first.exited).signal).to.equal('SIGKILL');

      // A crash in the middle of a write leaves part of a record at the end of the last segment.
      const segments = (await readdir(spoolDir.path)).filter((name) => name.endsWith('.seg')).sort();
      expect(segments.length).to.be.greaterThan(0);
      const tornId = randomUUID();
      const torn = encodeFrame({ key: 'visitor-torn', value: Buffer.from(JSON.stringify({ id: tornId })) });
      await appendFile(
        join(spoolDir.path, segments[segments.length - 1]!),
        torn.subarray(0, torn.length - 7),
      );

      const second = startCollectorProcess({ ...env, QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') });
      children.push(second);
      await waitHealthy(port, second);
      const after = await postBatch(port, 10);
      expect(after.status).to.equal(200);
      acknowledged.push(...after.ids);

      const expected = new Set(acknowledged);
      const received = await readTopic(
        kafkaClient(),
        topic,
        (r) => new Set(r.map((m) => m.event.id)).size >= expected.size,
        { timeoutMs: 60_000 },
      );
      const counts = countById(received);
      expect(acknowledged.filter((id) => !counts.has(id))).to.deep.equal([]);
      expect(counts.has(tornId)).to.be.false;
      expect([...counts.keys()].filter((id) => !expected.has(id))).to.have.length.below(100);
      expect(second.output()).to.include('torn record');

      // SIGTERM under load: what was answered 200 is in Kafka (or the spool, for the next start).
      const stopLoad = loadBatches(port);
      const duringStop = stopLoad.acknowledged;
      await waitFor('answers under load', () => duringStop.length > 0);
      second.process.kill('SIGTERM');
      expect(await second.exited, second.output().slice(-3000)).to.deep.equal({ code: 0, signal: null });
      await stopLoad.stop();
      expect(duringStop.length).to.be.greaterThan(0);
      const leftInSpool = (await readdir(spoolDir.path)).filter((name) => name.endsWith('.seg'));
      if (leftInSpool.length > 0) {
        const third = startCollectorProcess({ ...env, QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') });
        children.push(third);
        await waitHealthy(port, third);
      }
      const all = new Set([...expected, ...duringStop]);
      const missing = new Set(await missingFromTopic(kafkaClient(), topic, all));
      expect(duringStop.filter((id) => missing.has(id))).to.deep.equal([]);
    });
  });
});
