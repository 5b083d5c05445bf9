/**
 * bench/funnel: the web funnel computed on read (dashboard/funnel/funnel-reader.ts + funnel-count.ts)
 * over a year of data on the real RethinkDB, against the floor of any on-read approach measured in
 * the same run: a raw cursor read of the period's events through the same index, with the same fields.
 *
 *   npx tsx bench/funnel.ts [--visitors 50000] [--db qf_bench_funnel] [--keep]
 *
 * `--keep` leaves the database in place, and a run given an existing one (`--db`) reads it as it
 * is instead of writing again (for measuring a change to the reads on the same data).
 *
 * The data is written by plain inserts into a database of its own (dropped at the end): writing a
 * year through the processor would take hours at its ~300–500 records/s here, and the funnel only
 * reads. Per visitor: a day of the year, 2–6 visits, a campaign for 60 %; 35 % click a quote by
 * reference, 20 % more identify with an email whose customer quoted that day; demands of one or
 * two quotes; a confirmed booking for a quarter of them. Needs the test services (npm run services).
 * Then the demand search by email: the quotes' customer index against reading the year's quotes.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import r from 'rethinkdb';
import { countFunnel } from '../dashboard/funnel/funnel-count.js';
import { parseDemandSearch } from '../dashboard/queries/demand-search.js';
import { demandIdsByCustomerIndex } from '../dashboard/queries/demand-search-index.js';
import { scanQuotes } from '../dashboard/queries/demand-search-scan.js';
import { parseConfig } from '../lib/config/load-config.js';
import { resolutionRules } from '../lib/resolution/rules.js';
import { FUNNEL_EVENT_FIELDS, readFunnel } from '../dashboard/funnel/funnel-reader.js';
import { cursorRows } from '../lib/rethinkdb/cursor-rows.js';
import { migrate } from '../lib/rethinkdb/migrate.js';
import { TABLES } from '../lib/rethinkdb/tables.js';
import { uniqueName } from '../test/support/services.js';
import { silentLogger } from '../test/support/silent-logger.js';
import { testRethinkdbClient } from '../test/support/test-rethinkdb.js';

const { values: args } = parseArgs({
  options: {
    visitors: { type: 'string', default: '50000' },
    db: { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
  },
});
const VISITORS = Number(args.visitors);
const db = args.db || uniqueName('qf_bench_funnel').replaceAll('.', '_');
const YEAR = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' };
const MONTH = { from: '2025-06-01T00:00:00.000Z', to: '2025-07-01T00:00:00.000Z' };
const DAY_MS = 86_400_000;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/** A small deterministic generator (mulberry32), so every run writes the same year. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const client = testRethinkdbClient(db, 30_000);
const table = (name: string) => r.db(db).table(name);
const buffers = new Map<string, object[]>();
let written = 0;
async function put(name: string, doc: object): Promise<void> {
  const buffer = buffers.get(name) ?? [];
  buffers.set(name, buffer);
  buffer.push(doc);
  if (buffer.length >= 2000) await flush(name);
}
async function flush(name: string): Promise<void> {
  const buffer = buffers.get(name) ?? [];
  if (buffer.length === 0) return;
  buffers.set(name, []);
  await client.run(table(name).insert(buffer, { durability: 'soft' }));
  written += buffer.length;
}

/**
 * Runs each measurement `rounds` times, taking turns (a, b, c, a, b, c…) so that a burst of load
 * from other work on the machine falls on all of them alike; the median of each.
 */
async function sideBySide<T extends unknown[]>(
  what: { [K in keyof T]: () => Promise<T[K]> },
  rounds = 3,
): Promise<{ ms: number[]; results: T }> {
  const times: number[][] = what.map(() => []);
  const results: unknown[] = [];
  for (let round = 0; round < rounds; round++)
    for (const [i, measure] of what.entries()) {
      const start = performance.now();
      results[i] = await measure();
      times[i]?.push(performance.now() - start);
    }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
  return { ms: times.map(median), results: results as T };
}

async function rawEvents(period: { from: string; to: string }): Promise<number> {
  const cursor = await client.run(
    table('events')
      .between(period.from, period.to, { index: 'receivedAt' })
      .orderBy({ index: 'receivedAt' })
      .pluck(...FUNNEL_EVENT_FIELDS),
  );
  let rows = 0;
  for await (const _ of cursorRows(cursor)) rows += 1;
  return rows;
}

async function writeYear(): Promise<void> {
  const next = random(20261128);
  const writeStart = performance.now();
  let quotes = 0;
  for (let v = 0; v < VISITORS; v++) {
    const visitor = `anon-${v}`;
    const day = Date.parse(YEAR.from) + Math.floor(next() * 365) * DAY_MS;
    const campaign = next() < 0.6 ? { name: `campaign-${Math.floor(next() * 20)}` } : {};
    const visits = 2 + Math.floor(next() * 5);
    let at = day + Math.floor(next() * 20 * 3_600_000);
    for (let e = 0; e < visits; e++) {
      at += 30_000 + Math.floor(next() * 300_000);
      await put('events', {
        id: `${visitor}-${e}`,
        kind: 'event',
        type: e === 0 ? 'view' : 'page',
        name: 'pageview',
        receivedAt: new Date(at).toISOString(),
        project: 'web',
        anonymousId: visitor,
        properties: {},
        context: { campaign, page: '/offers' },
        quoteRef: null,
        bookingRef: null,
      });
    }
    const roll = next();
    if (roll >= 0.55) continue;
    // This visitor quotes: one quote, sometimes a second one of the same demand at another broker.
    const source = ['rentalcars', 'autoeurope', 'discovercars'][Math.floor(next() * 3)] ?? 'rentalcars';
    const station = ['BGY', 'MXP', 'LIN', 'FCO', 'NAP'][Math.floor(next() * 5)] ?? 'BGY';
    const email = `customer${v}@example.org`;
    const ids = [`${source}:${v}`, ...(next() < 0.3 ? [`autoeurope:${v}b`] : [])];
    for (const id of ids) {
      quotes += 1;
      await put('quotes', {
        id,
        kind: 'quote',
        source: id.split(':')[0],
        sourceKey: id.split(':')[1],
        quotedAt: new Date(at + 60_000).toISOString(),
        brokerQuoteRef: `Q${v}`,
        customer: { email, phone: null, name: `Customer ${v}` },
        customerEmail: email,
        customerPhone: null,
        pickup: { station, at: new Date(at + 20 * DAY_MS).toISOString() },
        dropoff: { station, at: new Date(at + 27 * DAY_MS).toISOString() },
        clusterId: ids[0],
      });
    }
    if (roll < 0.35)
      await put('events', {
        id: `${visitor}-click`,
        kind: 'event',
        type: 'click',
        name: 'click',
        receivedAt: new Date(at + 120_000).toISOString(),
        project: 'web',
        anonymousId: visitor,
        properties: { quoteRef: `Q${v}`, source },
        context: { campaign: {} },
        quoteRef: `Q${v}`,
        bookingRef: null,
      });
    else
      await put('identities', {
        id: `${visitor}-identify`,
        via: 'identify',
        project: 'web',
        anonymousId: visitor,
        userId: null,
        email,
        phone: null,
        traits: {},
        at: new Date(at).toISOString(),
      });
    if (next() < 0.25)
      await put('bookings', {
        id: `${source}:b${v}`,
        kind: 'booking',
        source,
        status: 'confirmed',
        bookedAt: new Date(at + DAY_MS).toISOString(),
        quoteId: ids[0],
        clusterId: ids[0],
      });
  }
  for (const name of buffers.keys()) await flush(name);
  console.log(
    `wrote ${written.toLocaleString('en-GB')} documents (${VISITORS.toLocaleString('en-GB')} visitors, ${quotes.toLocaleString('en-GB')} quotes) in ${((performance.now() - writeStart) / 1000).toFixed(1)} s; load average: ${load()}`,
  );
}

try {
  const server: unknown = await client.run(
    r.db('rethinkdb').table('server_status').nth(0)('process')('version'),
  );
  console.log(`bench/funnel against ${String(server)}; database ${db}; load average at start: ${load()}`);
  const databases: string[] = await client.run(r.dbList());
  const existing = databases.includes(db);
  await migrate(client, TABLES, silentLogger);
  if (existing) console.log(`reusing the data already in ${db}`);
  else await writeYear();

  for (const [label, period] of [
    ['a year', YEAR],
    ['a month', MONTH],
  ] as const) {
    const {
      ms: [rawMs = 0, funnelMs = 0, groupedMs = 0],
      results: [rawCount, funnel, grouped],
    } = await sideBySide([
      () => rawEvents(period),
      async () => countFunnel(await readFunnel(client, period)),
      async () => countFunnel(await readFunnel(client, period), {}, 'campaign'),
    ]);
    const { total } = funnel;
    console.log(
      `\n${label} (${period.from} – ${period.to}), median of 3 rounds taken in turns, load average ${load()}:`,
    );
    console.log(
      `  raw cursor read of the period's events (baseline): ${rawCount.toLocaleString('en-GB')} events in ${rawMs.toFixed(0)} ms`,
    );
    console.log(
      `  funnel on read: ${funnelMs.toFixed(0)} ms (${(funnelMs / rawMs).toFixed(2)} × the raw read) — visits ${total.visits}, quoted ${total.quotes}, demands ${total.demands}, bookings ${total.bookings}`,
    );
    console.log(
      `  grouped by campaign: ${groupedMs.toFixed(0)} ms (${(groupedMs / rawMs).toFixed(2)} × the raw read), ${grouped.rows.length} rows`,
    );
  }
  // Demand search by email (issue 15's leftover): the customer index against reading the
  // period's quotes, which the search did before, for one customer over the year.
  const rules = resolutionRules(parseConfig('', {}).config.resolution);
  const search = parseDemandSearch(' Customer4242@Example.org ', rules.phoneDefaultCountryCode);
  if (search) {
    const filter = { ...YEAR, limit: 50, offset: 0 };
    const {
      ms: [indexMs = 0, scanMs = 0],
      results: [byIndex, byScan],
    } = await sideBySide([
      () => demandIdsByCustomerIndex(client, search, YEAR),
      () => scanQuotes(client, filter, search, rules),
    ]);
    console.log(`\ndemand search by email over the year, median of 3 rounds, load average ${load()}:`);
    console.log(
      `  reading the year's quotes (the search before, baseline): ${scanMs.toFixed(0)} ms, ${byScan.ids.size} demand(s)`,
    );
    console.log(
      `  customerEmail index: ${indexMs.toFixed(1)} ms (${(indexMs / scanMs).toFixed(4)} × the scan), ${byIndex?.size ?? 0} demand(s), the same: ${String([...(byIndex ?? [])].sort().join() === [...byScan.ids].sort().join())}`,
    );
  }
  console.log(`\nload average at the end: ${load()}`);
} finally {
  if (!args.keep) await client.run(r.dbDrop(db)).catch(() => undefined);
  await client.close();
}
