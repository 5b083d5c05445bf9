import { expect } from 'chai';
import r from 'rethinkdb';
import { parseConfig } from '../../../lib/config/load-config.js';
import { migrate } from '../../../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../../../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../../../lib/rethinkdb/tables.js';
import type { RollupKey } from '../../../processor/core/kpi/rollup-delta.js';
import type { Journal, QuoteDoc } from '../../../processor/store/documents.js';
import { emptyJournal } from '../../../processor/store/documents.js';
import { ProcessorStore } from '../../../processor/store/processor-store.js';
import { services, uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { quote } from '../../support/trip-records.js';

const key = (start: string): RollupKey => ({
  kind: 'trip',
  granularity: 'day',
  start,
  source: 'rentalcars',
  pickupStation: 'BGY',
  carGroup: 'IDAR',
  channel: null,
});

function journal(guard: string, offset: number, partition: number, fill: (j: Journal) => void): Journal {
  const j = emptyJournal(`trip:${partition}`, guard, offset, partition);
  fill(j);
  return j;
}

describe('ProcessorStore (ReQL server)', function () {
  this.timeout(30_000);
  let client: RethinkdbClient;
  let store: ProcessorStore;

  beforeEach(async () => {
    const { config } = parseConfig('', {
      QF_RETHINKDB_URL: `${services.rethinkdbUrl.replace(/\/[^/]*$/, '')}/${uniqueName('qf_test_store')}`,
    });
    client = RethinkdbClient.fromConfig(config.rethinkdb, silentLogger, 10_000);
    await migrate(client, TABLES, silentLogger);
    store = new ProcessorStore(client);
  });
  afterEach(async () => {
    await client.run(r.dbDrop(client.db));
    await client.close();
  });

  const rollups = async () =>
    Object.fromEntries(
      (
        (await client.run(r.db(client.db).table('rollups').coerceTo('array'))) as {
          id: string;
          counts: Record<string, number>;
        }[]
      ).map((doc) => [doc.id, doc.counts]),
    );

  describe('when a journal is applied twice', () => {
    it('should add each rollup delta once, to new and existing documents alike', async () => {
      const first = journal('q:0', 10, 0, (j) => {
        j.rollups = [{ id: 'a', key: key('a'), counts: { quotes: 2, demands: 1 } }];
      });
      await store.applyJournal(first);
      const second = journal('q:0', 11, 0, (j) => {
        j.rollups = [
          { id: 'a', key: key('a'), counts: { quotes: -1 } },
          { id: 'b', key: key('b'), counts: { quotes: 1 } },
        ];
      });
      await store.applyJournal(second);
      await store.applyJournal(second);
      await store.applyJournal(first);
      expect(await rollups()).to.deep.equal({ a: { quotes: 1, demands: 1 }, b: { quotes: 1 } });
    });

    it('should keep the increments of other topic-partitions apart', async () => {
      const mine = journal('q:0', 5, 0, (j) => {
        j.rollups = [{ id: 'a', key: key('a'), counts: { quotes: 1 } }];
      });
      const theirs = journal('b:1', 3, 1, (j) => {
        j.rollups = [{ id: 'a', key: key('a'), counts: { bookings: 1 } }];
      });
      await store.applyJournal(mine);
      await store.applyJournal(theirs);
      await store.applyJournal(theirs);
      expect(await rollups()).to.deep.equal({ a: { quotes: 1, bookings: 1 } });
    });
  });

  describe('when a record moved to another partition', () => {
    const doc = (version: number, partition: number): QuoteDoc => ({
      ...quote('1', { version }),
      clusterId: 'rentalcars:1',
      partition,
    });
    it('should neither overwrite nor delete the newer version the other partition stored', async () => {
      await store.applyJournal(journal('q:1', 1, 1, (j) => j.quotes.put.push(doc(2, 1))));
      await store.applyJournal(journal('q:0', 1, 0, (j) => j.quotes.put.push(doc(1, 0))));
      await store.applyJournal(journal('q:0', 2, 0, (j) => j.quotes.remove.push('rentalcars:1')));
      const stored = (await client.run(r.db(client.db).table('quotes').get('rentalcars:1'))) as QuoteDoc;
      expect([stored.version, stored.partition]).to.deep.equal([2, 1]);
      const loaded = await store.loadPartition(1);
      expect(loaded.quotes.map((q) => q.id)).to.deep.equal(['rentalcars:1']);
    });
  });

  describe('when a partition holds more than 100,000 documents of one table', () => {
    it('should load them all (RethinkDB refuses server-side arrays over 100,000)', async function () {
      this.timeout(300_000);
      const count = 100_001;
      const table = r.db(client.db).table('tombstones');
      for (let first = 0; first < count; first += 5000) {
        const stones = Array.from({ length: Math.min(5000, count - first) }, (_, i) => ({
          id: `quote|rentalcars:${first + i}|0`,
          partition: 0,
          kind: 'quote',
          recordId: `rentalcars:${first + i}`,
          version: 1,
        }));
        await client.run(table.insert(stones, { durability: 'soft' }));
      }
      const loaded = await store.loadPartition(0);
      expect(loaded.tombstones).to.have.length(count);
      expect(new Set(loaded.tombstones.map((stone) => stone.recordId)).size).to.equal(count);
    });
  });

  describe('when tombstones expire', () => {
    const stone = (recordId: string, deletedAt?: string) => ({
      id: `quote|${recordId}|0`,
      partition: 0,
      kind: 'quote' as const,
      recordId,
      version: 2,
      ...(deletedAt === undefined ? {} : { deletedAt }),
    });
    it('should delete only those made before the cutoff, whatever ids it is given', async () => {
      await store.applyJournal(
        journal('q:0', 1, 0, (j) => {
          j.tombstones.put.push(
            stone('old', '2026-01-01T00:00:00.000Z'),
            stone('fresh', '2026-07-01T00:00:00.000Z'),
            stone('undated'),
          );
        }),
      );
      const ids = ['quote|old|0', 'quote|fresh|0', 'quote|undated|0', 'quote|missing|0'];
      await store.expireTombstones(ids, '2026-06-01T00:00:00.000Z');
      const left = (await client.run(
        r.db(client.db).table('tombstones').orderBy('id').coerceTo('array'),
      )) as { recordId: string }[];
      expect(left.map((doc) => doc.recordId)).to.deep.equal(['fresh', 'undated']);
    });
  });
});
