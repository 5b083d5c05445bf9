import { expect } from 'chai';
import { bootstrapAdmin } from '../../../dashboard/auth/bootstrap-admin.js';
import { listRoutes } from '../../support/express-routes.js';
import { uniqueName } from '../../support/services.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { HttpSession } from '../../support/http-session.js';
import { silentLogger } from '../../support/silent-logger.js';

const ADMIN = { email: 'Ada@Example.com', password: 'correct horse battery' };
const VIEWER = { email: 'vic@example.com', password: 'viewer password 1' };

describe('dashboard sign-in and access control (real Redis and ReQL server)', function () {
  this.timeout(60_000);
  const dashboard = new TestDashboard('UTC', { QF_DASHBOARD_LOGIN_RATE_LIMIT_MAX_ATTEMPTS: '3' });
  const { users } = dashboard;
  let base = '';
  const startServer = () => dashboard.start();
  const signIn = (who: { email: string; password: string }, url = base) => dashboard.signIn(url, who);

  before(async () => {
    await dashboard.migrate();
    await bootstrapAdmin(users, ADMIN, silentLogger);
    await users.create({ ...VIEWER, role: 'viewer', name: '<script>alert(1)</script>' });
    base = await startServer();
  });

  after(() => dashboard.close());

  describe('when nobody is signed in', () => {
    it('should refuse every route but the public ones', async () => {
      const app = dashboard.app();
      const routes = listRoutes(app);
      // Signing out without a session changes nothing, so it needs none.
      const publicRoutes = [
        'GET /healthz',
        'GET /static/quoteflow.css',
        'GET /favicon.ico',
        'GET /static/favicon.svg',
        'GET /login',
        'POST /login',
        'POST /logout',
      ];
      expect(routes.map((route) => `${route.method} ${route.path}`)).to.include.members([
        ...publicRoutes,
        'GET /api/v1/me',
      ]);
      const stranger = new HttpSession(base);
      for (const { method, path } of routes) {
        if (publicRoutes.includes(`${method} ${path}`)) continue;
        const concrete = path.replace(/:(\w+)/g, 'x');
        const response = await stranger.request(method, concrete, {
          headers: { accept: 'application/json' },
        });
        expect(response.status, `${method} ${concrete}`).to.equal(401);
        const page = await stranger.request(method, concrete, { headers: { accept: 'text/html' } });
        if (!concrete.startsWith('/api/')) {
          expect(page.status, `${method} ${concrete} as a page`).to.be.oneOf([303, 401, 403]);
        }
      }
    });

    it('should describe every /api/v1 route in the OpenAPI document', async () => {
      const app = dashboard.app();
      const { session } = await signIn(ADMIN);
      const document = (await session.request('GET', '/api/v1/openapi.json')).json as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const { method, path } of listRoutes(app).filter((route) => route.path.startsWith('/api/v1/'))) {
        const documented = path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}');
        expect(document.paths[documented]?.[method.toLowerCase()], `${method} ${path}`).to.be.an('object');
      }
    });

    it('should send a browser to the sign-in page, keeping where it was going', async () => {
      const response = await new HttpSession(base).request('GET', '/', { headers: { accept: 'text/html' } });
      expect(response.status).to.equal(303);
      expect(response.headers.get('location')).to.equal('/login?next=%2F');
    });

    it('should answer the icon a browser asks for by itself, signed in or not (no console error)', async () => {
      for (const path of ['/favicon.ico', '/static/favicon.svg']) {
        const response = await new HttpSession(base).request('GET', path, { headers: { accept: 'image/*' } });
        expect(response.status, path).to.equal(200);
        expect(response.headers.get('content-type'), path).to.match(/^image\/svg\+xml/);
      }
    });

    it('should set security headers on every answer', async () => {
      const response = await new HttpSession(base).request('GET', '/login');
      expect(response.headers.get('content-security-policy')).to.contain("script-src 'self'");
      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(response.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
      expect(response.headers.get('x-powered-by')).to.equal(null);
    });
  });

  describe('when signing in', () => {
    it('should start a session that another dashboard instance also honours (sessions live in Redis)', async () => {
      const { session } = await signIn(ADMIN);
      expect((await session.request('GET', '/api/v1/me')).json?.user).to.include({
        id: 'ada@example.com',
        role: 'admin',
      });
      // The KPI time zone, in which the browser shows every time.
      expect((await session.request('GET', '/api/v1/me')).json?.zone).to.equal('UTC');
      const other = new HttpSession(await startServer());
      session.copyCookiesTo(other);
      expect((await other.request('GET', '/api/v1/me')).status).to.equal(200);
    });

    it('should accept the form post of the sign-in page and redirect only within the dashboard', async () => {
      const browser = new HttpSession(base);
      const page = await browser.request('GET', '/login?next=//evil.example/x');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      expect(page.text).to.contain('name="next" value="/"');
      const response = await browser.request('POST', '/login', {
        form: { email: VIEWER.email, password: VIEWER.password, next: '//evil.example/x', _csrf: csrf },
      });
      expect(response.status).to.equal(303);
      expect(response.headers.get('location')).to.equal('/');
    });

    it('should answer wrong passwords and unknown emails alike, then rate-limit them', async () => {
      // A user of its own: the count lives in Redis for the whole window, across test runs.
      const victim = { email: `${uniqueName('victim')}@example.com`, password: 'victim password 1' };
      await users.create({ ...victim, role: 'viewer' });
      const attacker = new HttpSession(base);
      const target = { email: victim.email, password: 'wrong password!!' };
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await attacker.request('POST', '/login', { json: target });
        expect(response.status).to.equal(401);
        expect(response.json).to.deep.equal({ error: 'unauthenticated', message: 'wrong email or password' });
      }
      const unknown = await attacker.request('POST', '/login', {
        json: { email: `${uniqueName('nobody')}@example.com`, password: 'x' },
      });
      expect(unknown.json).to.deep.equal({ error: 'unauthenticated', message: 'wrong email or password' });
      const blocked = await attacker.request('POST', '/login', { json: victim });
      expect(blocked.status).to.equal(429);
    });

    it('should end the session on sign-out', async () => {
      const { session, csrf } = await signIn(ADMIN);
      expect(
        (
          await session.request('POST', '/logout', {
            headers: { 'x-csrf-token': csrf, accept: 'application/json' },
          })
        ).status,
      ).to.equal(204);
      expect((await session.request('GET', '/api/v1/me')).status).to.equal(401);
    });
  });

  describe('when a signed-in browser changes state', () => {
    it('should require the CSRF token and refuse other origins', async () => {
      const { session, csrf } = await signIn(ADMIN);
      expect((await session.request('POST', '/api/v1/tokens', { json: { name: 'x' } })).status).to.equal(403);
      const crossSite = await session.request('POST', '/api/v1/tokens', {
        json: { name: 'x' },
        headers: { 'x-csrf-token': csrf, origin: 'https://evil.example' },
      });
      expect(crossSite.status).to.equal(403);
      const ok = await session.request('POST', '/api/v1/tokens', {
        json: { name: 'ci' },
        headers: { 'x-csrf-token': csrf },
      });
      expect(ok.status).to.equal(201);
    });
  });

  describe('when using an API token', () => {
    it('should authenticate by Bearer token until it is revoked', async () => {
      const { session, csrf } = await signIn(ADMIN);
      const issued = await session.request('POST', '/api/v1/tokens', {
        json: { name: 'report' },
        headers: { 'x-csrf-token': csrf },
      });
      const token = String(issued.json?.token);
      expect(token).to.match(/^qf_/);
      const client = new HttpSession(base);
      const me = await client.request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
      expect(me.json?.user).to.include({ id: 'ada@example.com' });
      const revoke = await client.request('DELETE', `/api/v1/tokens/${String(issued.json?.id)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(revoke.status).to.equal(204);
      expect(
        (await client.request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status,
      ).to.equal(401);
      expect(
        (await client.request('GET', '/api/v1/me', { headers: { authorization: 'Bearer qf_forged' } }))
          .status,
      ).to.equal(401);
    });
  });

  describe('when roles differ', () => {
    it('should let only admins manage users, and name the bad field', async () => {
      const viewer = await signIn(VIEWER);
      expect((await viewer.session.request('GET', '/api/v1/users')).status).to.equal(403);
      const admin = await signIn(ADMIN);
      const list = await admin.session.request('GET', '/api/v1/users');
      expect(list.text).not.to.contain('passwordHash');
      const bad = await admin.session.request('POST', '/api/v1/users', {
        json: { email: 'not-an-email', role: 'boss', password: 'short' },
        headers: { 'x-csrf-token': admin.csrf },
      });
      expect(bad.status).to.equal(400);
      expect(bad.json?.message)
        .to.contain('email: must be a valid email')
        .and.contain('role: must be one of')
        .and.contain('password: must have at least 12');
      const created = await admin.session.request('POST', '/api/v1/users', {
        json: { email: 'ann@example.com', role: 'analyst', password: 'analyst password' },
        headers: { 'x-csrf-token': admin.csrf },
      });
      expect(created.status).to.equal(201);
      const again = await admin.session.request('POST', '/api/v1/users', {
        json: { email: 'ANN@example.com', role: 'analyst', password: 'analyst password' },
        headers: { 'x-csrf-token': admin.csrf },
      });
      expect(again.status).to.equal(409);
    });
  });

  describe('when a stored value holds markup', () => {
    it('should show it as text', async () => {
      const { session } = await signIn(VIEWER);
      const home = await session.request('GET', '/', { headers: { accept: 'text/html' } });
      expect(home.status).to.equal(200);
      expect(home.text).to.contain('&#60;script&#62;alert(1)&#60;/script&#62;');
      expect(home.text).not.to.contain('<script>alert(1)');
    });
  });
});
