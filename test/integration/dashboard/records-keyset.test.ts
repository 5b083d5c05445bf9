import { expect } from 'chai';
import r from 'rethinkdb';
import type { HttpSession } from '../../support/http-session.js';
import { uniqueName } from '../../support/services.js';
import { TestDashboard } from '../../support/test-dashboard.js';

/** Three instants shared by hundreds of quotes each: the ties keyset paging must order by id. */
const TIMES = ['2026-06-25T08:00:00.000Z', '2026-06-25T09:00:00.000Z', '2026-06-25T10:00:00.000Z'];
const PER_TIME = 230;
const PAGE = 50;
const PERIOD = 'from=2026-06-25T00:00:00Z&to=2026-06-26T00:00:00Z';

function quoteDoc(n: number, quotedAt: string) {
  return {
    kind: 'quote',
    op: 'upsert',
    // Numbers as text: 'rentalcars:100' sorts before 'rentalcars:11', as ids do in the store.
    id: `rentalcars:${n}`,
    source: 'rentalcars',
    sourceKey: String(n),
    version: 1,
    quotedAt,
    brokerQuoteRef: `Q${n}`,
    customer: { email: `c${n}@example.it`, phone: null, name: 'Mario Rossi' },
    pickup: { station: n % 2 === 0 ? 'BGY' : 'MXP', at: '2026-07-01T07:36:00.000Z' },
    dropoff: { station: 'BGY', at: '2026-07-11T05:36:00.000Z' },
    carGroup: 'IDAR',
    price: { amount: 400, currency: 'EUR' },
    channel: 'api',
    attributes: {},
    clusterId: `rentalcars:${n}`,
    partition: 0,
  };
}

interface Page {
  items: { id: string; quotedAt: string }[];
  start: number;
  total: number;
  next: string | null;
  previous: string | null;
}

describe('dashboard records pages by keyset (real ReQL server)', function () {
  this.timeout(60_000);
  const dashboard = new TestDashboard('UTC', {}, uniqueName('qf_test_h12_keyset'));
  let viewer: HttpSession;
  /** Every quote of the period in the order pages must show them: time, then id. */
  let expected: string[];

  const page = async (query: string): Promise<Page> => {
    const response = await viewer.request('GET', `/api/v1/records/quotes?${PERIOD}&limit=${PAGE}${query}`);
    expect(response.status, JSON.stringify(response.json)).to.equal(200);
    return response.json as unknown as Page;
  };

  before(async () => {
    await dashboard.migrate();
    const docs = TIMES.flatMap((time, t) =>
      Array.from({ length: PER_TIME }, (_, i) => quoteDoc(t * PER_TIME + i, time)),
    );
    // Outside the period on both sides: never on a page.
    docs.push(quoteDoc(9001, '2026-06-24T23:59:59.999Z'), quoteDoc(9002, '2026-06-26T00:00:00.000Z'));
    await dashboard.rethink.run(r.db(dashboard.db).table('quotes').insert(docs));
    expected = docs
      .filter((doc) => doc.quotedAt >= '2026-06-25' && doc.quotedAt < '2026-06-26')
      .sort((a, b) => (a.quotedAt === b.quotedAt ? (a.id < b.id ? -1 : 1) : a.quotedAt < b.quotedAt ? -1 : 1))
      .map((doc) => doc.id);
    await dashboard.users.create({ email: 'val@example.com', role: 'viewer', password: 'viewer password!' });
    const base = await dashboard.start();
    viewer = (await dashboard.signIn(base, { email: 'val@example.com', password: 'viewer password!' }))
      .session;
  });

  after(() => dashboard.close());

  describe('when many rows share a time', () => {
    it('should show every row exactly once going forward, then again going back', async () => {
      const forward: Page[] = [await page('')];
      for (let last = forward[0]; last?.next != null; last = forward.at(-1)) {
        forward.push(await page(`&cursor=${last.next}`));
      }
      expect(forward.flatMap((p) => p.items.map((q) => q.id))).to.deep.equal(expected);
      // Each page says where it starts, as "51–100 of 690" shows it, and the total stays the period's.
      expect(forward.map((p) => p.start)).to.deep.equal(forward.map((_, i) => i * PAGE));
      expect(new Set(forward.map((p) => p.total))).to.deep.equal(new Set([expected.length]));

      const lastPage = forward.at(-1);
      const backward: Page[] = [];
      for (let token = lastPage?.previous; token != null; token = backward.at(-1)?.previous) {
        backward.push(await page(`&cursor=${token}`));
      }
      const seenBack = [...backward]
        .reverse()
        .flatMap((p) => p.items.map((q) => q.id))
        .concat(lastPage?.items.map((q) => q.id) ?? []);
      expect(seenBack).to.deep.equal(expected);
      expect(backward.map((p) => p.start)).to.deep.equal(
        backward.map((_, i) => (forward.length - 2 - i) * PAGE),
      );
      // Back at the beginning: the first page again, with nothing before it.
      expect(backward.at(-1)?.previous).to.equal(null);
      expect(backward.at(-1)?.next).to.be.a('string');
    });

    it('should page a filtered listing with the same tie order', async () => {
      const ids: string[] = [];
      let token: string | null = '';
      while (token !== null) {
        const filtered: Page = await page(`&station=MXP${token === '' ? '' : `&cursor=${token}`}`);
        ids.push(...filtered.items.map((q) => q.id));
        token = filtered.next;
      }
      expect(ids).to.deep.equal(expected.filter((id) => Number(id.split(':')[1]) % 2 === 1));
    });
  });

  describe('when a page token is altered or misused', () => {
    it('should answer 400 naming cursor', async () => {
      const { next } = await page('');
      const token = String(next);
      const [payload = '', mac = ''] = token.split('.');
      // The payload re-signed by nobody: a later position, or another row's key.
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const altered = Buffer.from(JSON.stringify({ ...decoded, p: 5000 })).toString('base64url');
      const cases = [
        `${altered}.${mac}`,
        `${payload}.${mac.slice(0, -2)}AA`,
        'not-a-token',
        payload,
        `${'A'.repeat(600)}.${mac}`,
      ];
      for (const bad of cases) {
        const response = await viewer.request(
          'GET',
          `/api/v1/records/quotes?${PERIOD}&limit=${PAGE}&cursor=${encodeURIComponent(bad)}`,
        );
        expect(response.status, bad).to.equal(400);
        expect(response.json?.issues).to.deep.equal([
          {
            path: 'cursor',
            message:
              'must be a next or previous token given by this listing, unaltered, with the same filters',
          },
        ]);
      }
      // A good token of this listing, with other filters: a position in another listing.
      const elsewhere = await viewer.request(
        'GET',
        `/api/v1/records/quotes?${PERIOD}&limit=${PAGE}&station=BGY&cursor=${token}`,
      );
      expect(elsewhere.status).to.equal(400);
      expect(elsewhere.json?.message).to.match(/^cursor: /);
    });
  });
});
