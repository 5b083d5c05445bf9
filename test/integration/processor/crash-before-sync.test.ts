import { expect } from 'chai';
import { ProcessorHarness } from '../../support/processor-harness.js';
import { resolve } from '../../support/resolve-helper.js';
import { RethinkdbProcess } from '../../support/rethinkdb-process.js';
import { generateWorkload } from '../../support/trip-workload.js';

/**
 * The processor writes a batch's journal hard, applies it with soft writes, syncs them, and only
 * then commits the batch's Kafka offset. These tests stop it in the one window where the store
 * holds writes that are not yet durable: after the soft writes, before the sync.
 *
 * What they cannot show: a SIGKILLed server keeps what it already handed to the kernel, so only
 * an OS crash or a power cut would drop soft writes, and no test here can cause one (a journal
 * written soft passes these tests too). That case rests on the order of the writes, explained in
 * ProcessorStore.
 */
describe('quoteflow processor killed between its soft writes and their sync', function () {
  this.timeout(300_000);

  async function expectExactAfterRestart(
    harness: ProcessorHarness,
    records: ReturnType<typeof generateWorkload>,
  ) {
    harness.startProcessor();
    await harness.waitUntilCaughtUp(180_000);
    expect(await harness.storedLines()).to.deep.equal(resolve(records));
    expect((await harness.check()).differences).to.deep.equal([]);
  }

  describe('when only the processor dies (SIGKILL)', () => {
    let harness: ProcessorHarness;
    beforeEach(async () => {
      harness = new ProcessorHarness();
      await harness.setUp();
    });
    afterEach(async () => {
      await harness.tearDown();
    });

    it('should redo the batch and count nothing twice', async () => {
      const records = generateWorkload({ quotes: 1200, seed: 31 });
      await harness.produceTrips(records, new Map());
      const paused = await harness.startPausedBeforeSync(3);
      await harness.stop(paused, 'SIGKILL');
      expect(await harness.committedCount()).to.be.below(records.length);
      await expectExactAfterRestart(harness, records);
    });
  });

  describe('when the RethinkDB server is killed too (SIGKILL) and restarted', () => {
    const server = new RethinkdbProcess(28215);
    let harness: ProcessorHarness;
    beforeEach(async () => {
      await server.start();
      harness = new ProcessorHarness({ rethinkdbUrl: `rethinkdb://127.0.0.1:${server.port}/test` });
      await harness.setUp();
    });
    afterEach(async () => {
      await harness.tearDown();
      await server.destroy();
    });

    it('should apply the durable journal again and end exactly as `quoteflow resolve` says', async () => {
      const records = generateWorkload({ quotes: 1200, seed: 32 });
      await harness.produceTrips(records, new Map());
      const paused = await harness.startPausedBeforeSync(3);
      await server.stop();
      await harness.stop(paused, 'SIGKILL');
      await server.start();
      expect(await harness.committedCount()).to.be.below(records.length);
      await expectExactAfterRestart(harness, records);
    });
  });
});
