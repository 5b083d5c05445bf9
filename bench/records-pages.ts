/**
 * bench/records-pages: a records page deep in a period, read by keyset (the dashboard's pages:
 * `recordsPageQuery`, a `between` on the [time, id] index from the page before) against the
 * offsets it replaced (`recordsInPeriod(...).skip(n).limit(51)`, the old route's query) as the
 * baseline, side by side on the same table: median time per page and documents the server read
 * (its own counter, rethinkdb.stats), at several depths.
 *
 *   npx tsx bench/records-pages.ts [--rows 50000] [--repeat 15]
 *
 * Needs the RethinkDB test server (npm run services). Absolute times on the shared 2-core machine
 * are noise; the ratios and the documents read are the point. The database it makes is dropped.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import r from 'rethinkdb';
import { recordsInPeriod, recordsPageQuery } from '../dashboard/queries/records-query.js';
import { migrate } from '../lib/rethinkdb/migrate.js';
import { TABLES } from '../lib/rethinkdb/tables.js';
import { uniqueName } from '../test/support/services.js';
import { silentLogger } from '../test/support/silent-logger.js';
import { dropTestDatabase, testRethinkdbClient } from '../test/support/test-rethinkdb.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '50000' }, repeat: { type: 'string', default: '15' } },
});
const rows = Number(values.rows);
const repeat = Number(values.repeat);
const PAGE = 50;
const filter = { from: '2026-06-25T00:00:00.000Z', to: '2026-07-25T00:00:00.000Z' };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const db = uniqueName('qf_bench_h12_pages');
const client = testRethinkdbClient(db, 60_000);

/** Quotes a few seconds apart, 20 to a time: ties that pages must order by id. */
function quote(n: number) {
  return {
    kind: 'quote',
    op: 'upsert',
    id: `rentalcars:${n}`,
    source: 'rentalcars',
    sourceKey: String(n),
    version: 1,
    quotedAt: new Date(Date.UTC(2026, 5, 25) + Math.floor(n / 20) * 5000).toISOString(),
    customer: { email: `c${n}@example.it`, phone: '+39 347 1234567', name: 'Mario Rossi' },
    pickup: { station: 'BGY', at: '2026-07-01T07:36:00.000Z' },
    dropoff: { station: 'BGY', at: '2026-07-11T05:36:00.000Z' },
    carGroup: 'IDAR',
    price: { amount: 400, currency: 'EUR' },
    channel: 'api',
    attributes: {},
    clusterId: `rentalcars:${n}`,
    partition: 0,
  };
}

async function docsRead(): Promise<number> {
  const stats = (await client.run(
    r.db('rethinkdb').table('stats').filter({ db, table: 'quotes' }).coerceTo('array'),
  )) as unknown as { query_engine: { read_docs_total?: number } }[];
  return stats.reduce((sum, s) => sum + (s.query_engine.read_docs_total ?? 0), 0);
}

/** Median milliseconds of `repeat` runs, and the documents one run read. */
async function measure(query: () => r.Operation<unknown>): Promise<{ ms: number; read: number }> {
  const before = await docsRead();
  await client.run(query());
  const read = (await docsRead()) - before;
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await client.run(query());
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? NaN, read };
}

try {
  console.log(`load average before: ${load()}`);
  await migrate(client, TABLES, silentLogger);
  for (let i = 0; i < rows; i += 5000) {
    await client.run(
      r
        .db(db)
        .table('quotes')
        .insert(Array.from({ length: Math.min(5000, rows - i) }, (_, k) => quote(i + k))),
    );
  }
  console.log(`${rows.toLocaleString('en-GB')} quotes, ${PAGE} a page, median of ${repeat} runs`);
  console.log('depth      keyset ms  docs   offset ms  docs    offset/keyset time');
  for (const depth of [0, Math.floor(rows / 10), Math.floor(rows / 2), rows - PAGE]) {
    // The cursor a pager walking there would hold: the key of the row before the page.
    const [before] = (await client.run(
      r
        .db(db)
        .table('quotes')
        .orderBy({ index: 'quotedAt_id' })
        .skip(Math.max(0, depth - 1))
        .limit(1)
        .coerceTo('array'),
    )) as unknown as { quotedAt: string; id: string }[];
    const cursor =
      depth === 0 || !before
        ? undefined
        : ({
            direction: 'after',
            key: { time: before.quotedAt, id: before.id },
            position: depth - 1,
          } as const);
    const keyset = await measure(() =>
      recordsPageQuery(db, 'quotes', filter, PAGE, cursor).coerceTo('array'),
    );
    const offset = await measure(() =>
      recordsInPeriod(db, 'quotes', filter)
        .skip(depth)
        .limit(PAGE + 1)
        .coerceTo('array'),
    );
    console.log(
      `${String(depth).padEnd(10)} ${keyset.ms.toFixed(1).padStart(9)}  ${String(keyset.read).padStart(5)}  ` +
        `${offset.ms.toFixed(1).padStart(9)}  ${String(offset.read).padStart(6)}  ${(offset.ms / keyset.ms).toFixed(1).padStart(8)}×`,
    );
  }
  console.log(`load average after: ${load()}`);
} finally {
  await client.close();
  await dropTestDatabase(db);
}
