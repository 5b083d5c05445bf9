import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { mapRow } from '../../connectors/mapping/row-mapper.js';
import { mappedTables } from '../../connectors/mapping/table-mapping.js';
import { parseConfig } from '../../lib/config/load-config.js';
import type { SourceConfig } from '../../lib/config/schema.js';
import { createSourceDb } from '../../lib/source-db.js';
import { EventSender } from '../../simulate/event-sender.js';
import { Simulation } from '../../simulate/generator.js';
import { runSimulation } from '../../simulate/run-simulation.js';
import { SourceWriter } from '../../simulate/source-writer.js';
import { services, repoRoot, uniqueName } from '../support/services.js';
import { silentLogger } from '../support/silent-logger.js';

/** The demo config's sources, pointed at the host's Postgres, with tables of their own. */
async function demoSources(prefix: string): Promise<SourceConfig[]> {
  const text = await readFile(path.join(repoRoot, 'config', 'demo.yaml'), 'utf8');
  const { config } = parseConfig(text, {
    DEMO_DB_HOST: services.postgres.host,
    DEMO_DB_USER: services.postgres.user,
    DEMO_DB_PASSWORD: services.postgres.password,
    DEMO_DB_NAME: services.postgres.database,
  });
  return config.sources.map((source) => ({
    ...source,
    tables: {
      quotes: source.tables.quotes && {
        ...source.tables.quotes,
        table: `${prefix}_${source.tables.quotes.table}`,
      },
      bookings: source.tables.bookings && {
        ...source.tables.bookings,
        table: `${prefix}_${source.tables.bookings.table}`,
      },
    },
  }));
}

/**
 * `quoteflow simulate`'s writer against the host's Postgres with the demo config's mappings: the
 * rows it writes must be exactly what the connectors map to valid canonical records.
 */
describe('simulate against Postgres with the demo mapping', function () {
  this.timeout(60_000);
  const prefix = uniqueName('sim');
  let sources: SourceConfig[];
  let writers: SourceWriter[];
  let db: Knex;

  before(async () => {
    sources = await demoSources(prefix);
    writers = sources.map((s) => new SourceWriter(s, createSourceDb(s)));
    db = createSourceDb(sources[0]!);
  });

  after(async () => {
    for (const source of sources) {
      for (const table of mappedTables(source)) await db.schema.dropTableIfExists(table.mapping.table);
    }
    await Promise.all(writers.map((w) => w.close()));
    await db.destroy();
  });

  it('should create the mapped tables, and leave existing ones alone the second time', async () => {
    const created = await Promise.all(writers.map((w) => w.createTables()));
    expect(created.flat()).to.have.length(6);
    const again = await Promise.all(writers.map((w) => w.createTables()));
    expect(again.flat()).to.deep.equal([]);
  });

  it('should write rows that the connectors map to canonical records, with every kind of change', async () => {
    const simulation = new Simulation({ seed: 3, brokers: sources.map((s) => s.name), keyBase: 1 });
    const start = Date.parse('2026-06-25T08:00:00Z');
    for (let s = 0; s < 150; s++) simulation.demand(new Date(start + s * 1000));
    const byName = new Map(writers.map((w) => [w.name, w]));
    for (const action of simulation.due(new Date(start + 30 * 86_400_000))) {
      if (action.type === 'event') continue;
      const source =
        action.type === 'quote.insert'
          ? action.quote.source
          : action.type === 'booking.insert'
            ? action.booking.source
            : action.source;
      expect(await byName.get(source)!.apply(action), action.type).to.equal(true);
    }

    const kinds = { quote: 0, booking: 0, delete: 0, cancelled: 0, byReference: 0 };
    const quoteRefs = new Set<string>();
    const bookingRefs: string[] = [];
    for (const source of sources) {
      for (const table of mappedTables(source)) {
        const rows = (await db(table.mapping.table).select()) as Record<string, unknown>[];
        for (const row of rows) {
          const outcome = mapRow({ source: source.name, timezone: source.timezone, table, row });
          if (outcome.type !== 'record') expect.fail(`${table.mapping.table}: ${JSON.stringify(outcome)}`);
          const record = outcome.record;
          // A withdrawn quote reads as a delete, but a booking may still name its reference.
          const refColumn = table.kind === 'quote' ? table.mapping.columns.brokerQuoteRef : undefined;
          if (refColumn) quoteRefs.add(`${source.name}|${String(row[refColumn])}`);
          if (record.op === 'delete') kinds.delete++;
          else if (record.kind === 'quote') {
            kinds.quote++;
          } else {
            kinds.booking++;
            if (record.status === 'cancelled') kinds.cancelled++;
            if (record.quoteRef) bookingRefs.push(`${record.source}|${record.quoteRef}`);
          }
        }
      }
    }
    expect(kinds.quote).to.be.greaterThan(150);
    expect(kinds.booking).to.be.greaterThan(20);
    expect(kinds.delete, 'withdrawn quotes read as deletes').to.be.greaterThan(0);
    expect(kinds.cancelled, 'cancelled bookings').to.be.greaterThan(0);
    expect(bookingRefs.length).to.be.greaterThan(0);
    for (const ref of bookingRefs) expect(quoteRefs.has(ref), ref).to.equal(true);
  });

  it('should run in real time and send its web events to a collector', async () => {
    const received: unknown[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://collector');
        if (url.pathname === '/v1/pixel.gif' && url.searchParams.get('writeKey') === 'test-key') {
          received.push({ pixel: url.searchParams.get('name') });
        } else if (url.pathname === '/v1/batch') {
          const parsed = JSON.parse(body) as { writeKey: string; batch: unknown[] };
          if (parsed.writeKey === 'test-key') received.push(...parsed.batch);
        }
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const simulation = new Simulation({
        seed: 9,
        brokers: sources.map((s) => s.name),
        keyBase: 1_000_000,
        odds: { followUpSeconds: 2 },
      });
      const totals = await runSimulation({
        simulation,
        writers,
        events: new EventSender({ collectorUrl: `http://127.0.0.1:${port}`, writeKey: 'test-key' }),
        rate: 20,
        demands: 20,
        signal: new AbortController().signal,
        logger: silentLogger,
        tickMs: 100,
      });
      expect(totals.demands).to.equal(20);
      expect(totals.rows).to.be.greaterThan(20);
      expect(received).to.have.length(totals.events);
      expect(received.filter((e) => (e as { pixel?: string }).pixel === 'pageview')).to.have.length(20);
      // Each visitor's quote form identifies them (the web funnel ties them to their quotes by it).
      const identifies = received.filter((e) => (e as { type?: string }).type === 'identify');
      expect(identifies).to.have.length(20);
      expect(identifies[0]).to.have.nested.property('traits.email').that.matches(/@/);
    } finally {
      collector.close();
    }
  });
});
