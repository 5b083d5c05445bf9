import { appendFile, mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { encodeFrame, decodeFrames } from '../../../collector/spool/frame.js';
import type { SpoolOptions } from '../../../collector/spool/spool.js';
import { Spool } from '../../../collector/spool/spool.js';
import { isRetriable } from '../../../lib/errors.js';
import { silentLogger } from '../../support/silent-logger.js';

const record = (i: number) => ({ key: `visitor-${i % 3}`, value: Buffer.from(JSON.stringify({ seq: i })) });
const seqs = (records: { value: Buffer }[]) =>
  records.map((r) => (JSON.parse(r.value.toString()) as { seq: number }).seq);

async function drainAll(spool: Spool, maxRecords = 1000): Promise<number[]> {
  const out: number[] = [];
  for (let chunk = await spool.read(maxRecords); chunk; chunk = await spool.read(maxRecords)) {
    out.push(...seqs(chunk.records));
    await spool.acknowledge(chunk);
  }
  return out;
}

describe('spool frame', () => {
  describe('when a buffer ends in a torn frame', () => {
    it('should return the whole records and say where the torn one starts', () => {
      const a = encodeFrame(record(1));
      const b = encodeFrame(record(2));
      const decoded = decodeFrames(Buffer.concat([a, b.subarray(0, b.length - 3)]));
      expect(seqs(decoded.records)).to.deep.equal([1]);
      expect(decoded.stop).to.deep.equal({ offset: a.length, reason: 'truncated' });
    });
  });

  describe('when a payload byte is flipped', () => {
    it('should stop at that record with a checksum error', () => {
      const b = encodeFrame(record(2));
      b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 0xff;
      const decoded = decodeFrames(Buffer.concat([encodeFrame(record(1)), b, encodeFrame(record(3))]));
      expect(seqs(decoded.records)).to.deep.equal([1]);
      expect(decoded.stop?.reason).to.equal('bad-checksum');
    });
  });
});

describe('Spool', () => {
  let dir: string;
  let options: SpoolOptions;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qf-spool-'));
    options = { dir, maxBytes: 1024 * 1024, segmentBytes: 4096, logger: silentLogger };
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('when records are appended concurrently', () => {
    it('should give them back in append order, keys included, then be drained', async () => {
      const spool = await Spool.open(options);
      await Promise.all(Array.from({ length: 300 }, (_, i) => spool.append([record(i)])));
      expect(spool.isDrained()).to.be.false;
      const chunk = await spool.read(2);
      expect(chunk?.records.map((r) => r.key)).to.deep.equal(['visitor-0', 'visitor-1']);
      await spool.acknowledge(chunk!);
      expect(await drainAll(spool)).to.deep.equal(Array.from({ length: 298 }, (_, i) => i + 2));
      expect(spool.isDrained()).to.be.true;
      expect(await spool.read(10)).to.equal(null);
      await spool.close();
    });
  });

  describe('when appends pass the segment size', () => {
    it('should rotate segments and delete each only once it was acknowledged', async () => {
      const spool = await Spool.open(options);
      for (let i = 0; i < 200; i++) await spool.append([record(i)]);
      const files = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
      expect(files.length).to.be.greaterThan(1);
      const first = await spool.read(1000);
      expect((await readdir(dir)).filter((f) => f.endsWith('.seg'))).to.have.length(files.length);
      await spool.acknowledge(first!);
      expect((await readdir(dir)).filter((f) => f.endsWith('.seg'))).to.have.length(files.length - 1);
      expect(await drainAll(spool)).to.deep.equal(
        Array.from({ length: 200 - first!.records.length }, (_, i) => i + first!.records.length),
      );
      expect((await readdir(dir)).filter((f) => f.endsWith('.seg'))).to.deep.equal([]);
      await spool.close();
    });
  });

  describe('when the process stops before everything was acknowledged', () => {
    it('should replay from the acknowledged position after a reopen', async () => {
      const spool = await Spool.open({ ...options, segmentBytes: 1024 * 1024 });
      await spool.append(Array.from({ length: 10 }, (_, i) => record(i)));
      const chunk = await spool.read(4);
      await spool.acknowledge(chunk!);
      await spool.close();

      const reopened = await Spool.open(options);
      expect(reopened.stats().records).to.equal(6);
      await reopened.append([record(10)]);
      expect(await drainAll(reopened)).to.deep.equal([4, 5, 6, 7, 8, 9, 10]);
      await reopened.close();
    });
  });

  describe('when the last segment ends in a torn record (crash mid-write)', () => {
    it('should skip the torn tail and replay every whole record', async () => {
      const spool = await Spool.open({ ...options, segmentBytes: 1024 * 1024 });
      await spool.append(Array.from({ length: 5 }, (_, i) => record(i)));
      await spool.close();
      const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
      const torn = encodeFrame(record(99));
      await appendFile(join(dir, segment!), torn.subarray(0, torn.length - 4));

      const reopened = await Spool.open(options);
      expect(reopened.stats()).to.include({ records: 5, tornTails: 1 });
      expect(await drainAll(reopened)).to.deep.equal([0, 1, 2, 3, 4]);
      await reopened.close();
    });

    it('should skip a tail cut inside the header too', async () => {
      const spool = await Spool.open(options);
      await spool.append([record(0), record(1)]);
      await spool.close();
      const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
      const path = join(dir, segment!);
      const whole = encodeFrame(record(0)).length;
      await truncate(path, whole + 5);

      const reopened = await Spool.open(options);
      expect(await drainAll(reopened)).to.deep.equal([0]);
      await reopened.close();
    });
  });

  describe('when an append would pass the disk budget', () => {
    it('should refuse it with a retriable SPOOL_FULL and keep what it holds', async () => {
      const spool = await Spool.open({ ...options, maxBytes: 2048 });
      let accepted = 0;
      let refusal: unknown;
      for (let i = 0; i < 200 && refusal === undefined; i++) {
        try {
          await spool.append([record(i)]);
          accepted++;
        } catch (error) {
          refusal = error;
        }
      }
      expect(refusal).to.have.property('code', 'SPOOL_FULL');
      expect(isRetriable(refusal)).to.be.true;
      expect(spool.bytes).to.be.at.most(2048);
      expect(await drainAll(spool)).to.deep.equal(Array.from({ length: accepted }, (_, i) => i));
      await spool.append([record(500)]);
      expect(await drainAll(spool)).to.deep.equal([500]);
      await spool.close();
    });
  });
});
