import { expect } from 'chai';
import r from 'rethinkdb';
import { migrate } from '../../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { parseRethinkdbUrl } from '../../lib/rethinkdb/rethinkdb-url.js';
import type { TableSpec } from '../../lib/rethinkdb/tables.js';
import { TABLES } from '../../lib/rethinkdb/tables.js';
import { RethinkdbProcess } from '../support/rethinkdb-process.js';
import { services, uniqueName } from '../support/services.js';
import { silentLogger } from '../support/silent-logger.js';

function clientFor(db: string, port?: number, maxWaitMs = 10_000): RethinkdbClient {
  const address = parseRethinkdbUrl(services.rethinkdbUrl);
  return new RethinkdbClient({
    address: { ...address, db, ...(port === undefined ? {} : { port }) },
    logger: silentLogger,
    connectTimeoutMs: 2000,
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 200,
    maxWaitMs,
  });
}

describe('RethinkDB (ReQL server)', function () {
  this.timeout(30_000);

  describe('migrate', () => {
    const db = uniqueName('qf_test');
    const client = clientFor(db);

    after(async () => {
      await client.run(r.dbDrop(db));
      await client.close();
    });

    it('should create the database, tables and indexes, then nothing on a second run', async () => {
      const first = await migrate(client, TABLES, silentLogger);
      expect(first.databaseCreated).to.equal(true);
      expect(first.tablesCreated).to.deep.equal(TABLES.map((t) => t.name));
      expect(first.indexesCreated).to.deep.equal(
        TABLES.flatMap((t) => t.indexes.map((i) => `${t.name}.${i.name}`)),
      );

      expect(await migrate(client, TABLES, silentLogger)).to.deep.equal({
        databaseCreated: false,
        tablesCreated: [],
        indexesCreated: [],
      });
      for (const table of TABLES) {
        const indexes = await client.run(r.db(db).table(table.name).indexList());
        expect(indexes, table.name).to.have.members(table.indexes.map((i) => i.name));
      }
    });

    it('should build compound indexes over nested fields and multi indexes over arrays', async () => {
      const quotes = r.db(db).table('quotes');
      await client.run(
        quotes.insert(
          [
            { id: 'a:1', pickup: { station: 'BGY' }, dropoff: { station: 'MXP' } },
            { id: 'a:2', pickup: { station: 'BGY' }, dropoff: { station: 'BGY' } },
          ],
          { conflict: 'update' },
        ),
      );
      const byStations = await client.run(
        quotes.getAll(['BGY', 'MXP'], { index: 'stations' }).coerceTo('array'),
      );
      expect(byStations.map((q: { id: string }) => q.id)).to.deep.equal(['a:1']);

      const clusters = r.db(db).table('clusters');
      await client.run(clusters.insert({ id: 'c1', quoteIds: ['a:1', 'a:2'] }));
      const containing = await client.run(clusters.getAll('a:2', { index: 'quoteIds' }).coerceTo('array'));
      expect(containing.map((c: { id: string }) => c.id)).to.deep.equal(['c1']);
    });

    it('should deliver a changefeed event for an idempotent upsert', async () => {
      const table = r.db(db).table('rollups');
      const connection = await client.connection();
      const feed = await table.changes().run(connection);
      const change: Promise<unknown> = feed.next();
      const row = {
        id: 'minute:2026-06-25T20:14',
        granularity: 'minute',
        start: '2026-06-25T20:14:00Z',
        quotes: 3,
      };
      await client.run(table.insert(row, { conflict: 'update' }));
      expect(await change).to.deep.equal({ new_val: row, old_val: null });
      await feed.close();

      // Replaying the same upsert inserts nothing and leaves the document as it was.
      const replay = await client.run(table.insert(row, { conflict: 'update' }));
      expect(replay).to.include({ inserted: 0, replaced: 0, unchanged: 1, errors: 0 });
      expect(await client.run(table.get(row.id))).to.deep.equal(row);
    });
  });

  describe('RethinkdbClient', () => {
    const port = 28115;
    const server = new RethinkdbProcess(port);

    afterEach(async () => {
      await server.stop();
    });

    after(async () => {
      await server.destroy();
    });

    it('should wait for a server that starts late, and reconnect after the server restarts', async () => {
      const client = clientFor('test', port, 20_000);
      const firstQuery = client.run(r.expr(1));
      // The scenario: the server starts after the query was asked (several connect attempts).
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.start();
      expect(await firstQuery).to.equal(1);

      const reconnected = new Promise<void>((resolve) => client.once('reconnected', resolve));
      const dropped = new Promise<void>((resolve) =>
        client.once('dropped', () => {
          resolve();
        }),
      );
      await server.stop();
      // A query sent before the client sees the close is in flight on the dying connection and fails
      // retriably (the 'Connection is closed' race CI once hit); this one is asked during the outage.
      await dropped;
      const queryDuringOutage = client.run(r.expr(2));
      // The scenario: the server stays down a while (several reconnect attempts) before it is back.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.start();
      expect(await queryDuringOutage).to.equal(2);
      await reconnected;
      await client.close();
    });

    it('should give up after maxWaitMs with a retriable error naming the address', async () => {
      const client = clientFor('test', port, 300);
      let failure: unknown;
      try {
        await client.run(r.expr(1));
      } catch (error) {
        failure = error;
      }
      expect(failure).to.have.property('code', 'RETHINKDB_UNAVAILABLE');
      expect(failure).to.have.property('retriable', true);
      expect((failure as Error).message).to.contain(`127.0.0.1:${port}`);
      await client.close();
    });
  });

  describe('a table list of our own', () => {
    it('should be accepted by migrate (services add their own tables)', async () => {
      const db = uniqueName('qf_test');
      const client = clientFor(db);
      const tables: TableSpec[] = [
        { name: 'links', primaryKey: 'code', indexes: [{ name: 'target', fields: 'target' }] },
      ];
      await migrate(client, tables, silentLogger);
      await client.run(r.db(db).table('links').insert({ code: 'abc', target: 'https://example.com' }));
      const link = await client.run(r.db(db).table('links').get<{ target: string }>('abc'));
      expect(link?.target).to.equal('https://example.com');
      await client.run(r.dbDrop(db));
      await client.close();
    });
  });
});
