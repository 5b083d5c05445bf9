import { expect } from 'chai';
import r from 'rethinkdb';
import type { AlertDoc } from '../../../lib/alerts/alert.js';
import { bootstrapAdmin } from '../../../dashboard/auth/bootstrap-admin.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { silentLogger } from '../../support/silent-logger.js';

const ADMIN = { email: 'ada@example.com', password: 'correct horse battery' };
const VIEWER = { email: 'vic@example.com', password: 'viewer password 1' };

const alert = (subject: string, state: AlertDoc['state']): AlertDoc => ({
  id: `connectors:${subject}`,
  check: 'connectors',
  subject,
  state,
  summary: `connector ${subject} is ${state === 'firing' ? 'failing' : 'running'}`,
  details: {},
  value: null,
  since: '2026-11-27T10:00:00.000Z',
  evaluatedAt: '2026-11-27T10:05:00.000Z',
  firedAt: state === 'ok' ? null : '2026-11-27T10:00:00.000Z',
  resolvedAt: null,
  notified: state === 'firing' ? 'firing' : null,
  lastFireNotifiedAt: null,
  silencedUntil: null,
  silencedBy: null,
  revision: 3,
});

describe('dashboard alerts API (real Redis and ReQL server)', function () {
  this.timeout(60_000);
  const dashboard = new TestDashboard();
  let base = '';

  before(async () => {
    await dashboard.migrate();
    await bootstrapAdmin(dashboard.users, ADMIN, silentLogger);
    await dashboard.users.create({ ...VIEWER, role: 'viewer', name: 'Vic' });
    await dashboard.rethink.run(
      r
        .db(dashboard.db)
        .table('alerts')
        .insert([alert('a-ok', 'ok'), alert('b-firing', 'firing')]),
    );
    base = await dashboard.start();
  });

  after(() => dashboard.close());

  it('should list the alerts, firing first, to any signed-in user', async () => {
    const { session } = await dashboard.signIn(base, VIEWER);
    const answer = await session.request('GET', '/api/v1/alerts');
    expect(answer.status).to.equal(200);
    const alerts = answer.json?.alerts as AlertDoc[];
    expect(alerts.map((a) => [a.id, a.state])).to.deep.equal([
      ['connectors:b-firing', 'firing'],
      ['connectors:a-ok', 'ok'],
    ]);
  });

  it('should let only an admin silence, naming a bad field, and keep it in the history', async () => {
    const viewer = await dashboard.signIn(base, VIEWER);
    const refused = await viewer.session.request('POST', '/api/v1/alerts/connectors:b-firing/silence', {
      json: { minutes: 60 },
      headers: { 'x-csrf-token': viewer.csrf },
    });
    expect(refused.status).to.equal(403);

    const admin = await dashboard.signIn(base, ADMIN);
    const send = (method: string, path: string, json?: unknown) =>
      admin.session.request(method, path, { json, headers: { 'x-csrf-token': admin.csrf } });
    const bad = await send('POST', '/api/v1/alerts/connectors:b-firing/silence', { minutes: 'soon' });
    expect(bad.status).to.equal(400);
    expect(bad.json?.message).to.equal('minutes: must be a whole number from 1 to 10080');
    expect((await send('POST', '/api/v1/alerts/connectors:nope/silence', { minutes: 60 })).status).to.equal(
      404,
    );

    const before = Date.now();
    const silenced = await send('POST', '/api/v1/alerts/connectors:b-firing/silence', { minutes: 60 });
    expect(silenced.status).to.equal(200);
    const doc = silenced.json?.alert as AlertDoc;
    expect(doc).to.include({ silencedBy: 'ada@example.com', revision: 4, state: 'firing' });
    expect(Date.parse(doc.silencedUntil ?? '') - before).to.be.within(59 * 60_000, 61 * 60_000);

    const lifted = await send('DELETE', '/api/v1/alerts/connectors:b-firing/silence');
    expect(lifted.json?.alert).to.include({ silencedUntil: null, silencedBy: null, revision: 5 });

    const history = await send('GET', '/api/v1/alerts/history?alertId=connectors:b-firing');
    const events = history.json?.events as { type: string; by: string }[];
    expect(events.map((e) => [e.type, e.by])).to.deep.equal([
      ['unsilenced', 'ada@example.com'],
      ['silenced', 'ada@example.com'],
    ]);
    expect((await send('GET', '/api/v1/alerts/history?limit=0')).status).to.equal(400);
  });
});
