import { expect } from 'chai';
import r from 'rethinkdb';
import type { HttpSession } from '../../support/http-session.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { waitFor } from '../../support/wait-for.js';

const ROWS = 20_000;

/** Quotes as the processor stores them, one a second from 2026-06-25 08:00 UTC. */
function quoteDocs(count: number) {
  return Array.from({ length: count }, (_, n) => ({
    kind: 'quote',
    op: 'upsert',
    id: `rentalcars:${n}`,
    source: 'rentalcars',
    sourceKey: String(n),
    version: 1,
    quotedAt: new Date(Date.UTC(2026, 5, 25, 8, 0, n)).toISOString(),
    brokerQuoteRef: `Q${n}`,
    customer: { email: `c${n}@example.it`, phone: '+39 347 1234567', name: 'Mario Rossi '.repeat(8) },
    pickup: { station: 'BGY', at: '2026-07-01T07:36:00.000Z' },
    dropoff: { station: 'BGY', at: '2026-07-11T05:36:00.000Z' },
    carGroup: 'IDAR',
    price: { amount: 400 + n, currency: 'EUR' },
    channel: 'api',
    attributes: {},
    clusterId: `rentalcars:${n}`,
    partition: 0,
  }));
}

describe('dashboard over a large period: abandoned exports, deep pages (real ReQL server)', function () {
  this.timeout(90_000);
  const dashboard = new TestDashboard('Europe/Rome');
  let analyst: HttpSession;

  /** The server's running queries (open cursors included) that read this test's quotes table. */
  const openQuoteQueries = async (): Promise<number> => {
    const jobs = (await dashboard.rethink.run(
      r.db('rethinkdb').table('jobs').filter({ type: 'query' }).coerceTo('array'),
    )) as unknown as { info: { query?: string } }[];
    return jobs.filter((job) => {
      const query = job.info.query ?? '';
      return query.includes(dashboard.db) && query.includes('"quotes"');
    }).length;
  };

  before(async () => {
    await dashboard.migrate();
    const docs = quoteDocs(ROWS);
    for (let i = 0; i < docs.length; i += 5000) {
      await dashboard.rethink.run(
        r
          .db(dashboard.db)
          .table('quotes')
          .insert(docs.slice(i, i + 5000)),
      );
    }
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    const base = await dashboard.start();
    analyst = (await dashboard.signIn(base, { email: 'ana@example.com', password: 'analyst password' }))
      .session;
  });

  after(() => dashboard.close());

  describe('when a records page lies deep in the period', () => {
    /** Documents the server has read from this test's quotes table so far (its own counter). */
    const quotesRead = async (): Promise<number> => {
      const stats = (await dashboard.rethink.run(
        r.db('rethinkdb').table('stats').filter({ db: dashboard.db, table: 'quotes' }).coerceTo('array'),
      )) as unknown as { id: string[]; query_engine: { read_docs_total?: number } }[];
      return stats.reduce((sum, stat) => sum + (stat.query_engine.read_docs_total ?? 0), 0);
    };
    /** The documents one request reads (the page and the period's total). */
    const readBy = async (path: string): Promise<{ read: number; json: Record<string, unknown> }> => {
      const before = await quotesRead();
      const response = await analyst.request('GET', path);
      expect(response.status).to.equal(200);
      return { read: (await quotesRead()) - before, json: response.json as Record<string, unknown> };
    };

    it('should read as many documents as for the first page, wherever it starts', async () => {
      const period = 'from=2026-06-25T00:00:00Z&to=2026-06-26T00:00:00Z';
      // Walk to row 19,000 a thousand at a time (page tokens do not depend on the page size).
      let token = '';
      for (let page = 0; page < 19; page++) {
        const response = await analyst.request(
          'GET',
          `/api/v1/records/quotes?${period}&limit=1000${token === '' ? '' : `&cursor=${token}`}`,
        );
        token = String(response.json?.next);
      }
      const first = await readBy(`/api/v1/records/quotes?${period}&limit=50`);
      const deep = await readBy(`/api/v1/records/quotes?${period}&limit=50&cursor=${token}`);
      expect((deep.json.items as { id: string }[]).map((q) => q.id).slice(0, 2)).to.deep.equal([
        'rentalcars:19000',
        'rentalcars:19001',
      ]);
      expect(deep.json.start).to.equal(19_000);
      // Offsets made the store read the 19,000 rows before the page too; a keyset starts at it.
      // Read batches of the index walk make the figures approximate: a bound, not an equality.
      expect(deep.read, `first page read ${String(first.read)}`).to.be.at.most(first.read + 500);
    });
  });

  for (const format of ['csv', 'xlsx'] as const) {
    describe(`when the client of a ${format.toUpperCase()} export disconnects after the first bytes`, () => {
      it('should close the cursor, and serve the next export whole', async () => {
        expect(await openQuoteQueries(), 'baseline').to.equal(0);
        const path = `/api/v1/export/quotes?format=${format}&from=2026-06-25T00:00:00Z&to=2026-06-26T00:00:00Z`;
        const response = await analyst.download(path);
        expect(response.status).to.equal(200);
        const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
        const first = (await reader?.read())?.value;
        expect(first?.length ?? 0).to.be.above(0);
        // The export is under way: its cursor is open on the server.
        expect(await openQuoteQueries()).to.equal(1);
        await reader?.cancel();

        await waitFor('the export cursor to close', async () => (await openQuoteQueries()) === 0);

        const whole = await analyst.download(path);
        const bytes = Buffer.from(await whole.arrayBuffer());
        if (format === 'csv') expect(bytes.toString('utf8').trim().split('\r\n')).to.have.length(ROWS + 1);
        else expect(bytes.subarray(0, 2).toString()).to.equal('PK');
        expect(await openQuoteQueries()).to.equal(0);
      });
    });
  }
});
