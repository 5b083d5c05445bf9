import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { SpoolRecord } from '../../../collector/spool/frame.js';
import { DeadLetters } from '../../../collector/spool/dead-letters.js';
import { Spool } from '../../../collector/spool/spool.js';
import type { DurableSinkOptions } from '../../../collector/sink/durable-sink.js';
import { DurableSink } from '../../../collector/sink/durable-sink.js';
import type { RecordSender } from '../../../collector/sink/record-sender.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const record = (i: number): SpoolRecord => ({ key: `v${i % 2}`, value: Buffer.from(String(i)) });
const numbers = (records: readonly SpoolRecord[]) => records.map((r) => Number(r.value.toString()));

/** A Kafka stand-in: records what it was sent; `mode` decides how each send ends. */
class FakeSender implements RecordSender {
  delivered: number[] = [];
  requests: number[][] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';

  send(records: readonly SpoolRecord[]): Promise<void> {
    this.requests.push(numbers(records));
    if (this.mode === 'fail') return Promise.reject(new Error('broker down'));
    if (this.mode === 'hang') return new Promise(() => undefined);
    this.delivered.push(...numbers(records));
    return Promise.resolve();
  }
}

/** In-process conditions change within milliseconds: poll often. The limit is only where a failure is declared: fsync on a busy shared disk can take seconds. */
const FAST = { timeoutMs: 15_000, intervalMs: 5 };

describe('DurableSink', () => {
  let dir: string;
  let spool: Spool;
  let sender: FakeSender;
  let sink: DurableSink;

  const open = async (overrides: Partial<DurableSinkOptions> = {}) => {
    spool = await Spool.open({ dir, maxBytes: 1024 * 1024, segmentBytes: 64 * 1024, logger: silentLogger });
    sink = new DurableSink({
      sender,
      spool,
      deadLetters: new DeadLetters(dir, silentLogger),
      logger: silentLogger,
      lingerMs: 5,
      deadlineMs: 50,
      maxBatchRecords: 100,
      maxBatchBytes: 1024 * 1024,
      maxInFlight: 1,
      ...overrides,
    });
    sink.start();
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qf-sink-'));
    sender = new FakeSender();
  });

  afterEach(async () => {
    await sink.close();
    await spool.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('when Kafka takes everything', () => {
    it('should batch concurrent writes into few produce requests, in write order', async () => {
      await open();
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => sink.write([record(i)])));
      expect(outcomes.every((o) => o === 'kafka')).to.be.true;
      expect(sender.delivered).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
      expect(sender.requests.length).to.be.below(5);
    });

    it('should keep each request within the record cap without splitting a write', async () => {
      await open({ maxBatchRecords: 10 });
      await Promise.all([
        sink.write([0, 1, 2, 3, 4, 5].map(record)),
        sink.write([6, 7, 8, 9, 10, 11].map(record)),
      ]);
      expect(sender.requests).to.deep.equal([
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8, 9, 10, 11],
      ]);
    });
  });

  describe('when Kafka fails, then recovers', () => {
    it('should spool from the failure on, replay in order, then send directly again', async () => {
      await open();
      expect(await sink.write([record(0)])).to.equal('kafka');
      sender.mode = 'fail';
      expect(await sink.write([record(1)])).to.equal('spool');
      expect(sink.route).to.equal('spool');
      // Still spooled, behind the failed write, even if Kafka were fine for direct sends.
      expect(await sink.write([record(2)])).to.equal('spool');
      sender.mode = 'ok';
      await waitFor('the direct route', () => sink.route === 'direct', FAST);
      expect(sender.delivered).to.deep.equal([0, 1, 2]);
      expect(await sink.write([record(3)])).to.equal('kafka');
      expect(sender.delivered).to.deep.equal([0, 1, 2, 3]);
      expect(spool.isDrained()).to.be.true;
    });
  });

  describe('when Kafka does not answer within the deadline', () => {
    it('should answer from the spool and keep the events there until Kafka takes them', async () => {
      await open();
      sender.mode = 'hang';
      // The sender never answers: getting an answer at all is the deadline at work.
      expect(await sink.write([record(0), record(1)])).to.equal('spool');
      expect(spool.stats().records).to.equal(2);
      sender.mode = 'ok';
      await waitFor('the direct route', () => sink.route === 'direct', FAST);
      expect(sender.delivered).to.deep.equal([0, 1]);
    });
  });

  describe('when neither Kafka nor the spool can take a write', () => {
    it('should reject it with SPOOL_FULL and keep what it had accepted', async () => {
      await open();
      await sink.close();
      await spool.close();
      spool = await Spool.open({ dir, maxBytes: 2048, segmentBytes: 1024, logger: silentLogger });
      sink = new DurableSink({
        sender,
        spool,
        deadLetters: new DeadLetters(dir, silentLogger),
        logger: silentLogger,
        lingerMs: 0,
        deadlineMs: 50,
        maxBatchRecords: 100,
        maxBatchBytes: 1024 * 1024,
        maxInFlight: 1,
      });
      sender.mode = 'fail';
      const big = (i: number): SpoolRecord => ({ key: 'k', value: Buffer.alloc(900, i) });
      expect(await sink.write([big(1)])).to.equal('spool');
      expect(await sink.write([big(2)])).to.equal('spool');
      let refusal: unknown;
      await sink.write([big(3)]).catch((error: unknown) => (refusal = error));
      expect(refusal).to.have.property('code', 'SPOOL_FULL');
      expect(spool.stats().records).to.equal(2);
    });
  });

  describe('when closed with writes waiting', () => {
    it('should deliver or spool all of them before it resolves, and refuse later ones', async () => {
      await open({ lingerMs: 1000 });
      const writes = [sink.write([record(0)]), sink.write([record(1)])];
      await sink.close();
      expect(await Promise.all(writes)).to.deep.equal(['kafka', 'kafka']);
      expect(sender.delivered).to.deep.equal([0, 1]);
      let refusal: unknown;
      await sink.write([record(2)]).catch((error: unknown) => (refusal = error));
      expect(refusal).to.have.property('code', 'SINK_CLOSED');
    });
  });
});
