import { expect } from 'chai';
import fc from 'fast-check';
import r from 'rethinkdb';
import { migrate } from '../../../lib/rethinkdb/migrate.js';
import type { RethinkdbClient } from '../../../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../../../lib/rethinkdb/tables.js';
import { checkStore } from '../../../processor/check.js';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import { StepTimer } from '../../../processor/pipeline/step-timer.js';
import { TripSlot } from '../../../processor/pipeline/trip-slot.js';
import type { BookingDoc, QuoteDoc } from '../../../processor/store/documents.js';
import { ProcessorStore } from '../../../processor/store/processor-store.js';
import { defaultRules, resolve } from '../../support/resolve-helper.js';
import { uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import type { TripRecord } from '../../support/trip-arbitraries.js';
import { finalLiveRecords, history } from '../../support/trip-arbitraries.js';
import { booking, quote } from '../../support/trip-records.js';
import { dropTestDatabase, testRethinkdbClient } from '../../support/test-rethinkdb.js';

const DAY = 86_400_000;

/**
 * The trip slot's memory on the real store: histories run through a slot that releases everything
 * it holds after every batch (so each change reads its neighbourhood back through
 * RethinkdbTripReader's indexes), and is rebuilt from the store now and then. What is stored must
 * be what a from-scratch resolution finds, and `quoteflow check` must find nothing to report.
 */
describe('TripSlot memory on RethinkDB', function () {
  this.timeout(120_000);
  let db: string;
  let client: RethinkdbClient;
  let store: ProcessorStore;

  beforeEach(async () => {
    db = uniqueName('qf_test_memory');
    client = testRethinkdbClient(db);
    await migrate(client, TABLES, silentLogger);
    store = new ProcessorStore(client);
  });
  afterEach(async () => {
    await client.close();
    await dropTestDatabase(db);
  });

  const slotOver = () =>
    new TripSlot(0, {
      rules: defaultRules,
      clock: new BucketClock('UTC'),
      timer: new StepTimer(),
      memory: { reader: store.tripReader, keepPastPickupMs: 2 * DAY },
    });

  const stored = async () => {
    const all = async <T>(table: string) =>
      (await client.run(r.db(db).table(table).orderBy('id').coerceTo('array'))) as T[];
    return [
      ...(await all<QuoteDoc>('quotes')).map((doc) => ({
        type: 'quote',
        id: doc.id,
        clusterId: doc.clusterId,
      })),
      ...(await all<BookingDoc>('bookings')).map((doc) => ({
        type: 'booking',
        id: doc.id,
        quoteId: doc.quoteId,
        clusterId: doc.clusterId,
      })),
    ];
  };

  it('should resolve every change to released records exactly, as check confirms', async () => {
    const histories = fc.sample(history, { numRuns: 12, seed: 20261127 });
    for (const [run, h] of histories.entries()) {
      await client.run(r.db(db).table('quotes').delete());
      for (const table of ['bookings', 'clusters', 'tombstones', 'rollups', 'processor_journal']) {
        await client.run(r.db(db).table(table).delete());
      }
      let slot = slotOver();
      let offset = 0;
      let watermark: number | undefined;
      const parts = batches(h.arrivals);
      for (const [index, records] of parts.entries()) {
        const kind = records[0]?.kind ?? 'quote';
        const messages = records.map((record) => ({
          offset: String(offset++),
          value: Buffer.from(JSON.stringify(record)),
        }));
        const topic = kind === 'quote' ? 'qf.quotes' : 'qf.bookings';
        const { journal } = await slot.processBatch({ topic, partition: 0, messages }, kind);
        await store.writeJournal(journal);
        await store.applyJournal(journal);
        await store.syncApplied();
        watermark = journal.watermark ?? watermark;
        if (index % 4 === 3) {
          slot = slotOver();
          await slot.restoreWindow(await store.loadTombstones(0), watermark);
        } else {
          slot.releaseBefore(Number.POSITIVE_INFINITY);
        }
      }
      expect(await stored(), `history ${run}`).to.deep.equal(resolve(finalLiveRecords(h.generated)));
      const report = await checkStore(client, defaultRules, 'UTC');
      expect(report.differences, `history ${run}`).to.deep.equal([]);
    }
  });

  it('should find a released quote by the reference a booking names, however far apart their pickups', async () => {
    let slot = slotOver();
    let offset = 0;
    const feed = async (kind: 'quote' | 'booking', records: TripRecord[]) => {
      const messages = records.map((record) => ({
        offset: String(offset++),
        value: Buffer.from(JSON.stringify(record)),
      }));
      const { journal } = await slot.processBatch({ topic: `qf.${kind}s`, partition: 0, messages }, kind);
      await store.writeJournal(journal);
      await store.applyJournal(journal);
      await store.syncApplied();
    };
    const nobody = { email: null, phone: null, name: null };
    // Stored with spaces around the reference: rule 1 compares references trimmed.
    await feed('quote', [
      quote('q', {
        brokerQuoteRef: ' REF-7 ',
        customer: nobody,
        pickup: { station: 'BGY', at: '2026-07-01T08:00:00Z' },
      }),
    ]);
    slot.releaseBefore(Number.POSITIVE_INFINITY);
    await feed('booking', [
      booking('b', {
        quoteRef: 'REF-7',
        customer: nobody,
        pickup: { station: 'BGY', at: '2026-07-04T08:00:00Z' },
      }),
    ]);
    expect((await stored()).find((line) => line.id === 'rentalcars:b')).to.deep.include({
      quoteId: 'rentalcars:q',
    });

    // And the other way round: a quote changed after its booking was released re-matches it.
    slot = slotOver();
    await slot.restoreWindow([], undefined);
    slot.releaseBefore(Number.POSITIVE_INFINITY);
    await feed('quote', [
      quote('q', {
        version: 2,
        brokerQuoteRef: 'REF-8',
        customer: nobody,
        pickup: { station: 'BGY', at: '2026-07-01T08:00:00Z' },
      }),
    ]);
    expect((await stored()).find((line) => line.id === 'rentalcars:b')).to.deep.include({ quoteId: null });
    expect((await checkStore(client, defaultRules, 'UTC')).differences).to.deep.equal([]);
  });
});

/** Consecutive arrivals of one kind, at most five to a batch. */
function batches(arrivals: readonly TripRecord[]): TripRecord[][] {
  const out: TripRecord[][] = [];
  for (const record of arrivals) {
    const last = out.at(-1);
    if (last && last[0]?.kind === record.kind && last.length < 5) last.push(record);
    else out.push([record]);
  }
  return out;
}
