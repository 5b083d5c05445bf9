import { expect } from 'chai';
import r from 'rethinkdb';
import type { FeedChange } from '../../lib/rethinkdb/changefeed-follower.js';
import { ChangefeedFollower } from '../../lib/rethinkdb/changefeed-follower.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { RethinkdbProcess } from '../support/rethinkdb-process.js';
import { silentLogger } from '../support/silent-logger.js';
import { waitFor } from '../support/wait-for.js';

interface Item {
  id: string;
  value: number;
}

function clientOn(port: number): RethinkdbClient {
  return new RethinkdbClient({
    address: { host: '127.0.0.1', port, db: 'follow', user: 'admin', password: '' },
    logger: silentLogger,
    connectTimeoutMs: 2000,
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 200,
  });
}

/** A copy of the `items` table kept by a follower, as the link cache and live KPIs keep theirs. */
function mirror(client: RethinkdbClient): { items: Map<string, number>; follower: ChangefeedFollower<Item> } {
  const items = new Map<string, number>();
  const apply = (change: FeedChange<Item>) => {
    if (change.old_val) items.delete(change.old_val.id);
    if (change.new_val) items.set(change.new_val.id, change.new_val.value);
  };
  const follower = new ChangefeedFollower<Item>({
    client,
    logger: silentLogger,
    table: 'items',
    backoff: { initialMs: 20, maxMs: 200 },
    snapshot: (table) => table,
    load: async (rows) => {
      items.clear();
      for await (const item of rows) items.set(item.id, item.value);
    },
    apply,
  });
  return { items, follower };
}

function sameAs(expected: Record<string, number>): (items: Map<string, number>) => boolean {
  return (items) => JSON.stringify([...items].sort()) === JSON.stringify(Object.entries(expected).sort());
}

describe('ChangefeedFollower (private ReQL server)', function () {
  this.timeout(60_000);
  const server = new RethinkdbProcess(28125);
  const writer = clientOn(server.port);
  const reader = clientOn(server.port);
  const table = r.db('follow').table('items');

  before(async () => {
    await server.start();
    await writer.run(r.dbCreate('follow'));
    await writer.run(r.db('follow').tableCreate('items'));
    await writer.run(table.wait());
  });

  after(async () => {
    await writer.close();
    await reader.close();
    await server.destroy();
  });

  describe('when the table changes and the server restarts', () => {
    it('should load the table, follow every change, and catch up after the restart', async () => {
      const rows = Array.from({ length: 2500 }, (_, i) => ({ id: `k${i}`, value: i }));
      await writer.run(table.insert(rows));
      const { items, follower } = mirror(reader);
      follower.start();
      await waitFor('the snapshot', () => follower.loaded && items.size === 2500);
      expect(items.get('k2499')).to.equal(2499);

      await writer.run(table.filter(r.row('value').ge(2)).delete());
      await writer.run(table.get('k0').update({ value: 10 }));
      await writer.run(table.insert({ id: 'new', value: 7 }));
      const expected = { k0: 10, k1: 1, new: 7 };
      await waitFor('the changes', () => sameAs(expected)(items));

      // A feed never survives a restart: the follower must reopen it and re-read the table.
      await server.stop();
      await server.start();
      await writer.run(table.wait());
      await writer.run(table.get('k1').delete());
      await writer.run(table.insert({ id: 'after', value: 8 }));
      await waitFor('the writes after the restart', () => sameAs({ k0: 10, new: 7, after: 8 })(items), {
        timeoutMs: 30_000,
      });

      await follower.stop();
    });
  });
});
