import r from 'rethinkdb';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { parseRethinkdbUrl } from '../../lib/rethinkdb/rethinkdb-url.js';
import { services } from './services.js';
import { silentLogger } from './silent-logger.js';

/** The test ReQL server's URL with another database: each test keeps to a database of its own. */
export function rethinkdbUrlFor(db: string): string {
  return `${services.rethinkdbUrl.replace(/\/[^/]*$/, '')}/${db}`;
}

/** A client of the test ReQL server on database `db`, quick to retry and to give up. */
export function testRethinkdbClient(db: string, maxWaitMs = 10_000): RethinkdbClient {
  return new RethinkdbClient({
    address: { ...parseRethinkdbUrl(services.rethinkdbUrl), db },
    logger: silentLogger,
    connectTimeoutMs: 2000,
    reconnectInitialDelayMs: 50,
    reconnectMaxDelayMs: 500,
    maxWaitMs,
  });
}

/** Drops a test's database, if it was made at all. */
export async function dropTestDatabase(db: string): Promise<void> {
  const client = testRethinkdbClient(db, 5000);
  await client.run(r.dbDrop(db)).catch(() => undefined);
  await client.close();
}
