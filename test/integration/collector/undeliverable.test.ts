import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { expect } from 'chai';
import type { Collector } from '../../../collector/collector.js';
import type { DeadLetter } from '../../../collector/spool/dead-letters.js';
import { DEAD_LETTER_FILE } from '../../../collector/spool/dead-letters.js';
import { Spool } from '../../../collector/spool/spool.js';
import { silentLogger } from '../../support/silent-logger.js';
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

const headers = { 'content-type': 'application/json', authorization: basic(WRITE_KEY) };

async function post(port: number, path: string, body: Buffer | string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

const trackBody = (id: string, properties: unknown) =>
  JSON.stringify({ id, name: 'hostile', anonymousId: 'visitor-h', properties });

/** A /v1/track body whose `blob` property is `count` raw 0xFF bytes (invalid UTF-8). */
function invalidUtf8Body(id: string, count: number): Buffer {
  const [head, tail] = trackBody(id, { blob: '@' }).split('@') as [string, string];
  return Buffer.concat([Buffer.from(head), Buffer.alloc(count, 0xff), Buffer.from(tail)]);
}

/** `{"a":{"a":…}}` nested `depth` levels, as text (JSON.stringify could not make it). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('collector: events Kafka could never take (real Kafka)', function () {
  this.timeout(120_000);
  let kafka: Kafka;
  let admin: Admin;
  let topic: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;
  let collector: Collector | undefined;

  beforeEach(async () => {
    kafka = kafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topic = await createTopic(admin, 1);
    spoolDir = await tempDir('qf-collector-undeliverable-');
  });

  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  describe('when a request would make an event larger or deeper than Kafka can take', () => {
    it('should refuse it with 413 or 400 naming the field, and keep delivering the others', async () => {
      collector = await startCollector(
        KAFKA_BROKERS,
        topic,
        collectorConfig({ spool: { ...collectorConfig().spool, dir: spoolDir.path } }),
      );
      const port = collector.address.port;

      // The issue's case: 400,000 invalid bytes, a body under the 512,000 limit, ~1.2 MB encoded.
      const large = invalidUtf8Body(randomUUID(), 400_000);
      expect(large.length).to.be.below(512_000);
      const tooLarge = await post(port, '/v1/track', large);
      expect(tooLarge.status, tooLarge.body).to.equal(413);
      const largeError = (JSON.parse(tooLarge.body) as { error: { code: string; issues: unknown[] } }).error;
      expect(largeError.code).to.equal('event_too_large');
      expect(largeError.issues).to.have.length(1);
      expect(largeError.issues[0]).to.include({ index: 0, field: 'properties.blob' });

      const deep = await post(port, '/v1/track', trackBody(randomUUID(), '@').replace('"@"', nested(5000)));
      expect(deep.status, deep.body).to.equal(400);
      expect(deep.retryAfter).to.equal(null);
      const deepError = (JSON.parse(deep.body) as { error: { issues: { field: string; message: string }[] } })
        .error;
      expect(deepError.issues[0]?.message).to.equal('nested deeper than 32 levels');
      expect(deepError.issues[0]?.field).to.match(/^properties(\.a)+$/);

      // Within the limits: accepted, and delivered even after the refused ones.
      const fine = randomUUID();
      const inLimits = await post(port, '/v1/track', invalidUtf8Body(fine, 100_000));
      expect(inLimits.status, inLimits.body).to.equal(200);
      const deepOk = randomUUID();
      expect((await post(port, '/v1/track', trackBody(deepOk, JSON.parse(nested(30))))).status).to.equal(200);
      const received = await readTopic(kafka, topic, (r) => r.length >= 2);
      expect([...countById(received).keys()].sort()).to.deep.equal([fine, deepOk].sort());
    });
  });

  describe('when the spool holds a record the broker refuses for good', () => {
    it('should move it to the dead-letter file with its reason and deliver every record behind it', async () => {
      // What an older collector (no size check at the edge) may have spooled: ~1.2 MB, over the
      // broker's 1 MiB message.max.bytes, between two ordinary events.
      const before = randomUUID();
      const after = Array.from({ length: 20 }, () => randomUUID());
      const record = (id: string, blob = '') => ({
        key: 'visitor-h',
        value: Buffer.from(JSON.stringify({ kind: 'event', id, properties: { blob } })),
      });
      const refused = record(randomUUID(), '\uFFFD'.repeat(400_000));
      const spool = await Spool.open({
        dir: spoolDir.path,
        maxBytes: 64 * 1024 * 1024,
        segmentBytes: 16 * 1024 * 1024,
        logger: silentLogger,
      });
      await spool.append([record(before), refused, ...after.map((id) => record(id))]);
      await spool.close();

      collector = await startCollector(
        KAFKA_BROKERS,
        topic,
        collectorConfig({ spool: { ...collectorConfig().spool, dir: spoolDir.path } }),
      );
      const received = await readTopic(kafka, topic, (r) => r.length >= 21);
      expect(received.map((r) => r.event.id)).to.deep.equal([before, ...after]);

      const letters = (await readFile(join(spoolDir.path, DEAD_LETTER_FILE), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as DeadLetter);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.include({
        code: 'KAFKA_RECORD_REFUSED',
        key: 'visitor-h',
        bytes: refused.value.length,
        value: refused.value.toString('utf8'),
      });
      expect(letters[0]?.reason).to.match(/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|CORRUPT_MESSAGE/);

      const port = collector.address.port;
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).to.match(/^quoteflow_collector_dead_letters_total 1$/m);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.include({ deadLetters: 1, stuck: null });
      expect(collector.spoolStats().records).to.equal(0);
    });
  });
});
