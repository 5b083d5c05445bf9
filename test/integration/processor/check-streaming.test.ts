import { expect } from 'chai';
import r from 'rethinkdb';
import { QuoteflowError } from '../../../lib/errors.js';
import { migrate } from '../../../lib/rethinkdb/migrate.js';
import type { RethinkdbClient } from '../../../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../../../lib/rethinkdb/tables.js';
import { checkStore } from '../../../processor/check.js';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import type { CheckWorkload } from '../../support/check-workload.js';
import { checkWorkload, loadWorkload } from '../../support/check-workload.js';
import { defaultRules } from '../../support/resolve-helper.js';
import { uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { dropTestDatabase, testRethinkdbClient } from '../../support/test-rethinkdb.js';

const ZONE = 'Europe/Rome';

describe('quoteflow check over more than 100,000 documents (real RethinkDB)', function () {
  this.timeout(600_000);
  const db = uniqueName('qf_test_check');
  let client: RethinkdbClient;
  let workload: CheckWorkload;

  before(async () => {
    client = testRethinkdbClient(db);
    await migrate(client, TABLES, silentLogger);
    workload = checkWorkload(36_000, 3000, new BucketClock(ZONE));
    await loadWorkload(client, workload);
  });

  after(async () => {
    await client.close();
    await dropTestDatabase(db);
  });

  const check = () => checkStore(client, defaultRules, ZONE);

  describe('when the store is consistent', () => {
    it('should read past the array limit and find no difference', async () => {
      expect(workload.rollups.length).to.be.greaterThan(100_000);
      // What the old check did, and why it had to go.
      const refused = await client.run(r.db(db).table('rollups').coerceTo('array')).then(
        () => 'read whole',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(refused).to.match(/^Array over size limit `100000`/);
      expect(await check()).to.deep.equal({
        records: {
          quotes: workload.quotes.length,
          bookings: workload.bookings.length,
          events: workload.events.length,
          rollups: workload.rollups.length,
          identities: 0,
        },
        differences: [],
      });
    });
  });

  describe('when a counter, a clusterId and a visitor were stored wrong', () => {
    it('should print each of them, and only them', async () => {
      const [rollup] = workload.rollups.filter((doc) => doc.kind === 'trip' && doc.granularity === 'hour');
      const [quote] = workload.quotes.filter((doc) => doc.id !== doc.clusterId);
      const [visitor] = workload.visitors;
      if (!rollup || !quote || !visitor) throw new Error('the workload lacks a document to change');
      const table = (name: string) => r.db(db).table(name);
      await client.run(
        table('rollups')
          .get(rollup.id)
          .update({ counts: { quotes: 99 } }),
      );
      await client.run(table('quotes').get(quote.id).update({ clusterId: quote.id }));
      await client.run(table('visitors').get(visitor.id).delete());

      const { differences } = await check();
      expect(differences).to.have.members([
        `rollup ${rollup.id} quotes: stored 99, recomputed ${rollup.counts.quotes ?? 0}`,
        `quote ${quote.id} clusterId: stored ${quote.id}, expected ${quote.clusterId}`,
        `visitor ${visitor.id}: expected but not stored`,
      ]);
      expect(differences).to.have.length(3);
    });
  });
});

describe('quoteflow check on a database migrated before check streamed (real RethinkDB)', function () {
  this.timeout(60_000);
  const db = uniqueName('qf_test_check_index');
  let client: RethinkdbClient;

  before(async () => {
    client = testRethinkdbClient(db);
    await migrate(client, TABLES, silentLogger);
    await client.run(r.db(db).table('bookings').indexDrop('stations'));
  });

  after(async () => {
    await client.close();
    await dropTestDatabase(db);
  });

  it('should name the missing index and the command that adds it', async () => {
    const failure = await checkStore(client, defaultRules, ZONE).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(QuoteflowError);
    expect(failure).to.include({
      code: 'CHECK_INDEX_MISSING',
      message: 'table bookings lacks index stations: run `quoteflow migrate` first',
    });
  });
});
