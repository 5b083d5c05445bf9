import { expect } from 'chai';
import type { HttpSession } from '../../support/http-session.js';
import type { Fixture } from '../../support/dashboard-fixture.js';
import { seedDashboard } from '../../support/dashboard-fixture.js';
import { TestDashboard } from '../../support/test-dashboard.js';

interface Demand {
  id: string;
  size: number;
  converted: boolean;
  source: string;
  firstQuotedAt: string;
  customer: { email: string } | null;
}

describe('GET /api/v1/demands (real ReQL server)', function () {
  this.timeout(60_000);
  const dashboard = new TestDashboard('Europe/Rome');
  let viewer: HttpSession;
  let fixture: Fixture;
  const from = new Date(Date.now() - 9 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const period = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const get = async (search: string) => {
    const response = await viewer.request('GET', `/api/v1/demands?${period}&${search}`);
    return response;
  };

  before(async () => {
    await dashboard.migrate();
    fixture = await seedDashboard(dashboard.rethink, dashboard.zone);
    await dashboard.users.create({ email: 'vic@example.com', role: 'viewer', password: 'viewer password!' });
    const base = await dashboard.start();
    viewer = (await dashboard.signIn(base, { email: 'vic@example.com', password: 'viewer password!' }))
      .session;
  });

  after(() => dashboard.close());

  it('should list the demands of a period with the filters, and count them all', async () => {
    const expected = fixture.clusters.filter(
      (c) => c.converted === true && c.size === 3 && c.source === 'rentalcars',
    );
    const response = await get('converted=yes&minSize=3&source=rentalcars&limit=2');
    expect(response.status).to.equal(200);
    expect(response.json?.total).to.equal(expected.length);
    const items = response.json?.items as Demand[];
    expect(items.map((d) => d.id)).to.deep.equal(expected.slice(0, 2).map((c) => c.id));
    expect(items.every((d) => d.converted && d.size === 3 && d.source === 'rentalcars')).to.equal(true);
    expect(items[0]?.customer?.email).to.be.a('string');
    expect(response.json?.nextOffset).to.equal(expected.length > 2 ? 2 : null);
  });

  it('should find a demand by its customer email as typed, normalised as the rules normalise', async () => {
    const response = await get(`q=${encodeURIComponent(fixture.searchEmail)}`);
    expect(response.status).to.equal(200);
    expect(response.json?.search).to.equal('email');
    expect((response.json?.items as Demand[]).map((d) => d.id)).to.deep.equal([fixture.convertedDemandId]);
  });

  it('should find a demand by its customer phone as typed, through the customer index, never partial', async () => {
    const quote = fixture.quotes.find((q) => q.id === fixture.convertedDemandId) as {
      customer: { phone: string };
    };
    // "+39 347 1000042" typed as "0039 347 100 0042".
    const typed = quote.customer.phone.replace('+39 ', '0039 ').replace(/(\d{3})(\d{4})$/, '$1 $2');
    const response = await get(`q=${encodeURIComponent(typed)}`);
    expect(response.status).to.equal(200);
    expect(response.json?.search).to.equal('phone');
    expect(response.json?.partial).to.equal(false);
    expect((response.json?.items as Demand[]).map((d) => d.id)).to.deep.equal([fixture.convertedDemandId]);
  });

  it('should find demands by a surname and by a broker reference, filters still applying', async () => {
    const byName = await get('q=RICCI&converted=no');
    const expected = fixture.clusters.filter(
      (c) =>
        c.converted === false &&
        (fixture.quotes.find((q) => q.id === c.id)?.customer as { name: string }).name.includes('Ricci'),
    );
    expect(byName.json?.total).to.equal(expected.length);
    const byRef = await get(`q=q${fixture.convertedDemandId.split(':')[1]?.replace('-', '') ?? ''}`);
    expect((byRef.json?.items as Demand[]).map((d) => d.id)).to.deep.equal([fixture.convertedDemandId]);
  });

  it("should count a rate's numerator and denominator over the period and filters from the records", async () => {
    const inPeriod = (at: unknown) => String(at) >= from && String(at) < to;
    const demands = fixture.clusters.filter((c) => c.channel === 'api' && inPeriod(c.firstQuotedAt));
    const quotes = fixture.quotes.filter((q) => q.channel === 'api' && inPeriod(q.quotedAt));
    const conversion = await get('channel=api&rate=conversion&limit=1');
    expect(conversion.status).to.equal(200);
    expect(conversion.json?.rate).to.deep.equal({
      rate: 'conversion',
      numerator: demands.filter((c) => c.converted === true).length,
      denominator: demands.length,
    });
    // The list keeps its own filters; the rate counts the period and dimensions only.
    const duplicates = await get('channel=api&rate=duplicates&converted=no&limit=1');
    expect(duplicates.json?.rate).to.deep.equal({
      rate: 'duplicates',
      numerator: quotes.length - demands.length,
      denominator: quotes.length,
    });
    expect(duplicates.json?.total).to.be.below(demands.length);
    expect((await get('limit=1')).json?.rate).to.equal(null);
  });

  it('should name every bad parameter', async () => {
    const response = await get('converted=maybe&minSize=4&maxSize=2&limit=0&rate=bookings');
    expect(response.status).to.equal(400);
    const paths = (response.json?.issues as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).to.deep.equal(['converted', 'limit', 'rate']);
    const sizes = await get('minSize=4&maxSize=2');
    expect(sizes.status).to.equal(400);
    expect(sizes.json?.message).to.contain('maxSize');
  });
});
