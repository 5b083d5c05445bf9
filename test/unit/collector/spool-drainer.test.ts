import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DeadLetter } from '../../../collector/spool/dead-letters.js';
import { DeadLetters } from '../../../collector/spool/dead-letters.js';
import type { SpoolRecord } from '../../../collector/spool/frame.js';
import { Spool } from '../../../collector/spool/spool.js';
import type { RecordSender } from '../../../collector/sink/record-sender.js';
import { SpoolDrainer } from '../../../collector/sink/spool-drainer.js';
import { QuoteflowError } from '../../../lib/errors.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const record = (value: string): SpoolRecord => ({ key: 'k', value: Buffer.from(value) });

/**
 * A broker stand-in that refuses any request holding a value starting with "big" (as Kafka refuses
 * a record over message.max.bytes), or every request while `refuseAll` is set.
 */
class RefusingSender implements RecordSender {
  delivered: string[] = [];
  requests = 0;
  refuseAll: QuoteflowError | undefined;

  send(records: readonly SpoolRecord[]): Promise<void> {
    this.requests++;
    if (this.refuseAll) return Promise.reject(this.refuseAll);
    if (records.some((r) => r.value.toString().startsWith('big'))) {
      return Promise.reject(
        new QuoteflowError('KAFKA_RECORD_REFUSED', 'Kafka refused the records: MESSAGE_TOO_LARGE'),
      );
    }
    this.delivered.push(...records.map((r) => r.value.toString()));
    return Promise.resolve();
  }
}

/** In-process conditions change within milliseconds: poll often. The limit is only where a failure is declared: fsync on a busy shared disk can take seconds. */
const FAST = { timeoutMs: 15_000, intervalMs: 5 };

describe('SpoolDrainer', () => {
  let dir: string;
  let spool: Spool;
  let sender: RefusingSender;
  let drainer: SpoolDrainer;
  let deadLettered: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qf-drainer-'));
    spool = await Spool.open({ dir, maxBytes: 1024 * 1024, segmentBytes: 64 * 1024, logger: silentLogger });
    sender = new RefusingSender();
    deadLettered = 0;
    drainer = new SpoolDrainer({
      spool,
      sender,
      deadLetters: new DeadLetters(dir, silentLogger),
      logger: silentLogger,
      maxRecords: 100,
      maxBytes: 1024 * 1024,
      onDrained: () => undefined,
      onDeadLettered: (n) => (deadLettered += n),
    });
  });

  afterEach(async () => {
    await drainer.stop();
    await spool.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('when Kafka refuses some records of a chunk for good', () => {
    it('should put exactly those in the dead-letter file and deliver the rest in order', async () => {
      const values = ['a', 'big-1', 'b', 'c', 'd', 'big-2', 'e', 'f'];
      await spool.append(values.map(record));
      drainer.start();
      // The count is reported just after the spool forgets the chunk: wait for both.
      await waitFor(
        'the spool to drain and the dead letters to be counted',
        () => spool.isDrained() && deadLettered === 2,
        FAST,
      );
      expect(sender.delivered).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f']);
      const letters = (await readFile(join(dir, 'dead-letters.ndjson'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as DeadLetter);
      expect(letters.map((l) => [l.value, l.code, l.reason])).to.deep.equal([
        ['big-1', 'KAFKA_RECORD_REFUSED', 'Kafka refused the records: MESSAGE_TOO_LARGE'],
        ['big-2', 'KAFKA_RECORD_REFUSED', 'Kafka refused the records: MESSAGE_TOO_LARGE'],
      ]);
      expect(deadLettered).to.equal(2);
      expect((await DeadLetters.open(dir, silentLogger)).count, 'counted again after a restart').to.equal(2);
    });
  });

  describe('when the dead-letter file cannot be written', () => {
    it('should keep the chunk, say it is stuck, and move on once the file can be written', async () => {
      await drainer.stop();
      const missing = join(dir, 'not-yet');
      drainer = new SpoolDrainer({
        spool,
        sender,
        deadLetters: new DeadLetters(missing, silentLogger),
        logger: silentLogger,
        maxRecords: 100,
        maxBytes: 1024 * 1024,
        onDrained: () => undefined,
      });
      await spool.append(['a', 'big', 'b'].map(record));
      drainer.start();
      await waitFor('the drainer to report stuck', () => drainer.stuck !== undefined, FAST);
      expect(spool.stats().records, 'nothing forgotten').to.equal(3);
      await mkdir(missing);
      await waitFor('the spool to drain', () => spool.isDrained(), { ...FAST, timeoutMs: 10_000 });
      expect(drainer.stuck).to.equal(undefined);
      expect(sender.delivered.filter((v) => v === 'b')).to.have.length.of.at.least(1);
      expect((await DeadLetters.open(missing, silentLogger)).count).to.equal(1);
    });
  });

  describe('when Kafka refuses every request for good (authorisation)', () => {
    it('should keep the records, say it is stuck, and carry on once Kafka takes them', async () => {
      sender.refuseAll = new QuoteflowError(
        'KAFKA_REFUSED',
        'Kafka refused the request: TOPIC_AUTHORIZATION_FAILED',
      );
      await spool.append(['a', 'b'].map(record));
      drainer.start();
      await waitFor('a second request', () => sender.requests >= 2, FAST);
      expect(drainer.stuck?.message).to.equal('Kafka refused the request: TOPIC_AUTHORIZATION_FAILED');
      expect(spool.stats().records).to.equal(2);
      sender.refuseAll = undefined;
      await waitFor('the spool to drain', () => spool.isDrained(), { ...FAST, timeoutMs: 15_000 });
      expect(sender.delivered).to.deep.equal(['a', 'b']);
      expect(drainer.stuck).to.equal(undefined);
      expect(deadLettered).to.equal(0);
    });
  });
});
