import { expect } from 'chai';
import type { HttpSession } from '../../support/http-session.js';
import { ProcessorHarness } from '../../support/processor-harness.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { funnelScenario } from '../../support/funnel-scenario.js';
import { waitFor } from '../../support/wait-for.js';

describe('GET /api/v1/funnel and /clusters/:id/visitors (processor and real ReQL server)', function () {
  this.timeout(240_000);
  const harness = new ProcessorHarness();
  let dashboard: TestDashboard;
  let viewer: HttpSession;
  const day = 'from=2026-06-25&to=2026-06-26';
  const funnel = async (search = '') => {
    const response = await viewer.request('GET', `/api/v1/funnel?${day}${search}`);
    expect(response.status, response.text).to.equal(200);
    return response.json as { total: Record<string, unknown>; rows: Record<string, unknown>[] };
  };

  const { values, quotes, bookings, bridge } = funnelScenario();

  before(async () => {
    await harness.setUp();
    dashboard = new TestDashboard('Europe/Rome', {}, harness.client.db);
    await dashboard.migrate();
    await dashboard.users.create({ email: 'vic@example.com', role: 'viewer', password: 'viewer password!' });
    viewer = (
      await dashboard.signIn(await dashboard.start(), {
        email: 'vic@example.com',
        password: 'viewer password!',
      })
    ).session;
    harness.startProcessor();
  });

  after(async () => {
    await dashboard.close();
    await harness.tearDown();
  });

  it('should count visits before any quote exists, then link the quotes that arrive later', async () => {
    await harness.produceRaw(harness.topics.events.name, values);
    await harness.waitUntilCaughtUp();
    expect((await funnel()).total).to.deep.equal({
      group: null,
      visits: 4,
      quotes: 0,
      linkedQuotes: 0,
      demands: 0,
      bookings: 0,
    });

    await harness.produceTrips([...quotes, ...bookings], new Map());
    await harness.waitUntilCaughtUp();
    expect((await funnel()).total).to.deep.equal({
      group: null,
      visits: 4,
      quotes: 3,
      linkedQuotes: 3,
      demands: 3,
      bookings: 1,
    });
  });

  it('should follow a later merge of two linked demands into one', async () => {
    await harness.produceTrips([bridge], new Map());
    await harness.waitUntilCaughtUp();
    await waitFor('the bridge to merge a1 and d1', async () => (await funnel()).total.demands === 2);
    expect((await funnel()).total).to.deep.equal({
      group: null,
      visits: 4,
      quotes: 3,
      linkedQuotes: 3,
      demands: 2,
      bookings: 1,
    });
  });

  it('should group by campaign, source and station, and filter', async () => {
    expect((await funnel('&groupBy=campaign')).rows).to.deep.equal([
      { group: 'summer', visits: 2, quotes: 2, linkedQuotes: 2, demands: 1, bookings: 1 },
      { group: 'winter', visits: 1, quotes: 1, linkedQuotes: 1, demands: 1, bookings: 0 },
      { group: '(none)', visits: 1, quotes: 0, linkedQuotes: 0, demands: 0, bookings: 0 },
    ]);
    expect((await funnel('&groupBy=source')).rows).to.deep.equal([
      { group: 'rentalcars', visits: 4, quotes: 2, linkedQuotes: 2, demands: 1, bookings: 1 },
      { group: 'discovercars', visits: 4, quotes: 1, linkedQuotes: 1, demands: 1, bookings: 0 },
    ]);
    expect((await funnel('&groupBy=station&campaign=winter')).rows).to.deep.equal([
      { group: 'MXP', visits: 1, quotes: 1, linkedQuotes: 1, demands: 1, bookings: 0 },
    ]);
    expect((await funnel('&station=bgy')).total).to.deep.equal({
      group: null,
      visits: 4,
      quotes: 2,
      linkedQuotes: 2,
      demands: 1,
      bookings: 1,
    });
  });

  it('should change nothing when every event and record is replayed', async () => {
    const before = await funnel('&groupBy=campaign');
    await harness.produceRaw(harness.topics.events.name, values);
    await harness.produceTrips([...quotes, ...bookings, bridge], new Map());
    await harness.waitUntilCaughtUp();
    expect(await funnel('&groupBy=campaign')).to.deep.equal(before);
    expect((await harness.check()).differences).to.deep.equal([]);
  });

  it("should show a demand's visitors and their events in time order", async () => {
    const response = await viewer.request('GET', '/api/v1/clusters/rentalcars%3Aa1/visitors');
    expect(response.status, response.text).to.equal(200);
    const path = response.json as {
      visitors: { anonymousId: string; linkedBy: string[] }[];
      events: { anonymousId: string; receivedAt: string; campaign: string }[];
      truncated: boolean;
    };
    expect(path.visitors).to.deep.equal([
      { anonymousId: 'v1', linkedBy: ['quoteRef'] },
      { anonymousId: 'v4', linkedBy: ['bookingRef'] },
    ]);
    expect(path.events.map((e) => [e.anonymousId, e.receivedAt, e.campaign])).to.deep.equal([
      ['v1', '2026-06-25T08:00:00Z', 'summer'],
      ['v1', '2026-06-25T08:01:00Z', '(none)'],
      ['v1', '2026-06-25T08:02:00Z', '(none)'],
      ['v1', '2026-06-25T08:03:00Z', '(none)'],
      ['v4', '2026-06-25T11:00:00Z', 'summer'],
    ]);
    expect(path.truncated).to.equal(false);
    const carlas = await viewer.request('GET', '/api/v1/clusters/discovercars%3Ac1/visitors');
    expect((carlas.json as typeof path).visitors).to.deep.equal([
      { anonymousId: 'v2', linkedBy: ['email'] },
      { anonymousId: 'v5', linkedBy: ['quoteRef'] },
    ]);
    expect((await viewer.request('GET', '/api/v1/clusters/nope%3A1/visitors')).status).to.equal(404);
  });

  it('should name every bad parameter', async () => {
    const response = await viewer.request(
      'GET',
      '/api/v1/funnel?from=yesterday&to=2026-06-25&groupBy=broker&x=1',
    );
    expect(response.status).to.equal(400);
    const paths = (response.json?.issues as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).to.deep.equal(['from', 'groupBy', 'x']);
  });
});
