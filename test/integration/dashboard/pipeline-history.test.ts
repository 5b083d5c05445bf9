import { expect } from 'chai';
import r from 'rethinkdb';
import type { HistoryDoc } from '../../../dashboard/pipeline/history-store.js';
import { HistoryStore, historyDoc } from '../../../dashboard/pipeline/history-store.js';
import type { HttpSession } from '../../support/http-session.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { waitFor } from '../../support/wait-for.js';

interface Card {
  id: string;
  history: { at: number; lag: number | null; rate: number | null }[];
}

describe('pipeline health charts kept in RethinkDB (real ReQL server)', function () {
  this.timeout(60_000);
  const dashboard = new TestDashboard('UTC');
  const table = () => r.db(dashboard.db).table('pipeline_history');
  const stored = async () => (await dashboard.rethink.run(table().coerceTo('array'))) as HistoryDoc[];
  const CARD = 'connector:h15b-source';

  const health = async (session: HttpSession): Promise<Card | undefined> => {
    const response = await session.request('GET', '/api/v1/pipeline/health');
    expect(response.status).to.equal(200);
    return (response.json?.cards as Card[]).find((card) => card.id === CARD);
  };
  const signedIn = async () =>
    (
      await dashboard.signIn(await dashboard.start(), {
        email: 'vic@example.com',
        password: 'viewer password!',
      })
    ).session;

  before(async () => {
    await dashboard.migrate();
    await dashboard.users.create({ email: 'vic@example.com', role: 'viewer', password: 'viewer password!' });
    await dashboard.rethink.run(
      r.db(dashboard.db).table('pipeline_status').insert({
        id: CARD,
        component: CARD,
        source: 'h15b-source',
        state: 'running',
        updatedAt: new Date().toISOString(),
        lagSeconds: 7,
        rowsPerSecond: 3,
      }),
    );
  });

  after(() => dashboard.close());

  it('should show the samples of before a restart after it, and delete those older than 1 h 5 min', async () => {
    // A sample of two hours ago, as a dashboard long gone would have left it.
    const old = historyDoc(CARD, { at: Date.now() - 2 * 3_600_000, lag: 99, rate: 0 });
    await dashboard.rethink.run(table().insert(old));

    await signedIn();
    await waitFor('the first sample in pipeline_history', async () =>
      (await stored()).some((doc) => doc.card === CARD && doc.lag === 7),
    );
    await waitFor('the sample of two hours ago deleted', async () =>
      (await stored()).every((doc) => doc.id !== old.id),
    );
    const before = (await stored()).filter((doc) => doc.card === CARD);
    expect(before[0]?.id).to.equal(historyDoc(CARD, before[0] ?? old).id);

    await dashboard.stop();
    const session = await signedIn();
    const card = await health(session);
    // The restarted process read the minute documents back before its own first sample.
    for (const doc of before)
      expect(card?.history).to.deep.include({ at: doc.at, lag: doc.lag, rate: doc.rate });
    expect(card?.history.map((sample) => sample.at)).to.deep.equal(
      [...(card?.history ?? [])].map((sample) => sample.at).sort((a, b) => a - b),
    );
  });

  it('should keep the newer sample of a minute whatever order two dashboards write it in', async () => {
    const store = new HistoryStore(dashboard.rethink);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const earlier = historyDoc('processor:h15b', { at: minute + 10_000, lag: 5, rate: 1 }, 100);
    const later = historyDoc('processor:h15b', { at: minute + 50_000, lag: 2, rate: 4 }, 300);
    expect(earlier.id).to.equal(later.id);
    await store.save([later]);
    await store.save([earlier]);
    const [kept] = (await stored()).filter((doc) => doc.id === later.id);
    expect(kept).to.deep.equal(later);
    await store.save([earlier]);
    await store.save([later]);
    expect((await stored()).filter((doc) => doc.id === later.id)).to.deep.equal([later]);
  });
});
