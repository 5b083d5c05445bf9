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

  describe('when a records page would start past offset 10,000', () => {
    it('should refuse the offset, and end the pages at the cap saying there are more', async () => {
      const period = 'from=2026-06-25T00:00:00Z&to=2026-06-26T00:00:00Z';
      const refused = await analyst.request('GET', `/api/v1/records/quotes?${period}&offset=10001`);
      expect(refused.status).to.equal(400);
      expect(refused.json?.issues).to.deep.equal([{ path: 'offset', message: 'must be <= 10000' }]);
      const last = await analyst.request('GET', `/api/v1/records/quotes?${period}&offset=9998&limit=2`);
      expect(last.status).to.equal(200);
      expect({
        ids: (last.json?.items as { id: string }[]).map((q) => q.id),
        nextOffset: last.json?.nextOffset,
        capped: last.json?.capped,
      }).to.deep.equal({ ids: ['rentalcars:9998', 'rentalcars:9999'], nextOffset: 10_000, capped: false });
      const atCap = await analyst.request('GET', `/api/v1/records/quotes?${period}&offset=10000&limit=2`);
      expect({
        ids: (atCap.json?.items as { id: string }[]).map((q) => q.id),
        nextOffset: atCap.json?.nextOffset,
        capped: atCap.json?.capped,
      }).to.deep.equal({ ids: ['rentalcars:10000', 'rentalcars:10001'], nextOffset: null, capped: true });
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
