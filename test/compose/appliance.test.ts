import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { ContainerState } from './compose-stack.js';
import { ComposeStack, waitFor } from './compose-stack.js';

/** A port nobody listens on now (the engine binds it a moment later). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

const LONG_RUNNING = [
  'kafka',
  'rethinkdb',
  'redis',
  'dashboard',
  'connectors',
  'collector',
  'processor',
  'demo-db',
  'demo-connectors',
  'demo-collector',
  'simulate',
];

function describeStates(states: ContainerState[]): string {
  return states.map((s) => `${s.service}=${s.status}/${s.health ?? '-'}(exit ${s.exitCode})`).join(' ');
}

/**
 * The appliance as a customer runs it: docker-compose 1.29 builds the image and starts the whole
 * stack (with the demo profile) on a real engine, and everything is checked from the host, through
 * the published ports only. A unique project, volume prefix and free ports keep it apart from any
 * other stack and from the test services on the host. Steps depend on each other, in order.
 */
describe('appliance under a real container engine (docker-compose up, demo profile)', function () {
  this.timeout(20 * 60_000);
  const project = `qftest${Date.now().toString(36)}`;
  const admin = { email: 'admin@example.com', password: randomBytes(12).toString('base64url') };
  const writeKey = randomBytes(12).toString('hex');
  let stack: ComposeStack;
  let dashboardUrl = '';
  let collectorUrl = '';
  let configDir = '';
  let browser: Browser | undefined;
  let page: Page;
  let failed = false;

  before(async () => {
    if (!process.env.DOCKER_HOST)
      throw new Error('DOCKER_HOST is not set: run through `npm run test:compose`');
    const [dashboardPort, collectorPort] = [await freePort(), await freePort()];
    dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
    collectorUrl = `http://127.0.0.1:${collectorPort}`;
    configDir = await mkdtemp(path.join(tmpdir(), 'qf-compose-'));
    const configFile = path.join(configDir, 'quoteflow.yaml');
    await writeFile(
      configFile,
      `collector:\n  projects:\n    - name: compose-test\n      writeKeys: [${writeKey}]\n`,
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('COMPOSE_') && !key.startsWith('QUOTEFLOW_') && !key.startsWith('QF_'))
        env[key] = value;
    }
    Object.assign(env, {
      QF_VOLUME_PREFIX: project,
      QF_DASHBOARD_PORT: String(dashboardPort),
      QF_COLLECTOR_PORT: String(collectorPort),
      QUOTEFLOW_CONFIG_FILE: configFile,
      QF_DASHBOARD_SESSION_SECRET: randomBytes(36).toString('base64'),
      QF_DASHBOARD_ADMIN_EMAIL: admin.email,
      QF_DASHBOARD_ADMIN_PASSWORD: admin.password,
      QF_DEMO_RATE: '2',
    });
    stack = new ComposeStack(project, env);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async function () {
    this.timeout(5 * 60_000);
    await browser?.close();
    const started = stack as ComposeStack | undefined; // undefined when before() failed
    if (failed && started)
      process.stderr.write(`\n--- container logs of ${project}\n${await started.logs()}\n`);
    if (started) await started.compose(['down', '-v', '--remove-orphans', '-t', '20']).catch(() => undefined);
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  async function waitHealthy(what: string, timeoutMs: number): Promise<ContainerState[]> {
    return waitFor(
      what,
      async () => {
        const states = await stack.containers();
        const migrate = states.find((s) => s.service === 'migrate');
        if (migrate && migrate.status === 'exited' && migrate.exitCode !== 0) {
          throw new Error(`migrate exited with ${migrate.exitCode}`);
        }
        const ready = LONG_RUNNING.every((service) =>
          states.some(
            (s) => s.service === service && s.status === 'running' && (s.health ?? 'healthy') === 'healthy',
          ),
        );
        if (!ready) throw new Error(describeStates(states));
        return states;
      },
      timeoutMs,
    );
  }

  /** Today's total of a KPI, from the REST API with the browser's session. */
  async function todayTotal(kpi: string): Promise<number> {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const response = await page.request.get(
      `${dashboardUrl}/api/v1/kpis?from=${today}&to=${tomorrow}&granularity=day`,
    );
    expect(response.status()).to.equal(200);
    const body = (await response.json()) as { rows?: { totals?: Record<string, number> }[] };
    return (body.rows ?? []).reduce((sum, row) => sum + (row.totals?.[kpi] ?? 0), 0);
  }

  async function quotesTile(): Promise<number> {
    const text = (await page.locator('[data-kpi=quotes]').textContent()) ?? '';
    return Number(text.replace(/[^0-9]/g, '') || 'NaN');
  }

  /** Signs in, unless the session (kept in Redis across restarts) is still valid. */
  async function signIn(): Promise<void> {
    await page.goto(`${dashboardUrl}/`);
    if (new URL(page.url()).pathname !== '/login') return;
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${dashboardUrl}/`);
  }

  it('should build the Quoteflow image with docker-compose', async () => {
    const started = Date.now();
    // Every Quoteflow service runs this one image; docker-compose 1.29 would build it once per service
    // (8 times, ~30 s each even when every layer is cached), so the test builds it through migrate.
    await stack.compose(['build', 'migrate'], 30 * 60_000);
    process.stderr.write(`      (image build: ${Math.round((Date.now() - started) / 1000)} s)\n`);
  });

  it('should start every service and have it healthy, migrate exited 0', async () => {
    const started = Date.now();
    await stack.compose(['up', '-d'], 15 * 60_000);
    const states = await waitHealthy('stack healthy', 10 * 60_000);
    process.stderr.write(`      (up to healthy: ${Math.round((Date.now() - started) / 1000)} s)\n`);
    expect(states.find((s) => s.service === 'migrate')).to.include({ status: 'exited', exitCode: 0 });
  });

  it('should sign in on the published port and see the live quotes tile move as demo data flows', async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await signIn();
    const first = await waitFor(
      'a first number of quotes',
      async () => {
        const n = await quotesTile();
        return n > 0 ? n : undefined;
      },
      5 * 60_000,
    );
    await waitFor(
      'the quotes tile to move',
      async () => ((await quotesTile()) > first ? true : undefined),
      3 * 60_000,
      500,
    );
  });

  it('should count events sent to the collector on its published port', async () => {
    const name = `compose-test-${randomBytes(4).toString('hex')}`;
    const sentAt = Date.now();
    const response = await fetch(`${collectorUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        writeKey,
        batch: Array.from({ length: 5 }, (_, i) => ({ type: 'track', name, anonymousId: `visitor-${i}` })),
      }),
    });
    expect(response.status, await response.text()).to.equal(200);
    const from = new Date(sentAt - 10_000).toISOString();
    await waitFor(
      'the 5 events to be stored',
      async () => {
        const to = new Date(Date.now() + 60_000).toISOString();
        const res = await page.request.get(
          `${dashboardUrl}/api/v1/records/events?from=${from}&to=${to}&limit=1000`,
        );
        const body = (await res.json()) as { items?: { name?: string }[] };
        const count = (body.items ?? []).filter((e) => e.name === name).length;
        return count === 5 ? count : undefined;
      },
      3 * 60_000,
    );
  });

  it('should download an XLSX export of the explore table with the demo quotes in it', async () => {
    await page.goto(`${dashboardUrl}/#/explore?granularity=day&groupBy=source`);
    await page.getByTestId('explore-table').getByText('rentalcars').waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-xlsx').click(),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const quotesColumn = header.indexOf('quotes') + 1;
    expect(quotesColumn, String(header)).to.be.greaterThan(0);
    const rows = sheet.getSheetValues().slice(2) as unknown[][];
    const total = rows.reduce(
      (sum, row) => sum + (typeof row[quotesColumn] === 'number' ? row[quotesColumn] : 0),
      0,
    );
    expect(total).to.be.greaterThan(0);
  });

  it('should keep all data across `docker-compose restart`', async () => {
    const before = await todayTotal('quotes');
    expect(before).to.be.greaterThan(0);
    await stack.compose(['restart', '-t', '30'], 10 * 60_000);
    await waitHealthy('stack healthy after restart', 10 * 60_000);
    await signIn();
    expect(await todayTotal('quotes')).to.be.at.least(before);
  });

  it('should keep all data across `docker-compose down` and `up`', async () => {
    const before = await todayTotal('quotes');
    await stack.compose(['down', '-t', '30'], 10 * 60_000);
    expect(await stack.volumes(), 'named volumes survive down').to.have.length.greaterThan(4);
    await stack.compose(['up', '-d'], 15 * 60_000);
    await waitHealthy('stack healthy after down and up', 10 * 60_000);
    await signIn();
    expect(await todayTotal('quotes')).to.be.at.least(before);
  });

  it('should restart the processor after SIGKILL and then pass `quoteflow check`', async () => {
    const processor = (await stack.containers()).find((s) => s.service === 'processor');
    expect(processor, 'processor container').to.not.equal(undefined);
    // A crash, not an operator's `docker kill`: an engine treats a kill through its API as a manual
    // stop, which `restart: unless-stopped` respects. So the Node process itself gets SIGKILL, as
    // the kernel's OOM killer would send it; with `init: true` it is the child of the container's init.
    const init = processor!.pid;
    const children = (await readFile(`/proc/${init}/task/${init}/children`, 'utf8')).trim().split(/\s+/);
    const node = Number(children[0] || init);
    expect(node, 'processor process id').to.be.greaterThan(1);
    process.kill(node, 'SIGKILL');
    await waitFor(
      'the processor to be restarted and healthy',
      async () => {
        const now = (await stack.containers()).find((s) => s.id === processor!.id);
        return now &&
          now.startedAt !== processor!.startedAt &&
          now.status === 'running' &&
          now.health === 'healthy'
          ? true
          : undefined;
      },
      5 * 60_000,
    );
    // A quiet moment (DESIGN.md's invariant holds then): stop the writers, let the processor drain.
    await stack.compose(['stop', '-t', '20', 'simulate', 'demo-connectors', 'demo-collector']);
    const report = await waitFor(
      'quoteflow check to find no difference',
      async () => {
        const out = await stack.compose(['run', '--rm', '--no-deps', 'migrate', 'check'], 5 * 60_000);
        return /no differences/.test(out) ? out : undefined;
      },
      5 * 60_000,
      5000,
    );
    expect(report).to.match(/checked \d+ quotes/);
  });

  it('should delete every volume with `docker-compose down -v`', async () => {
    await stack.compose(['down', '-v', '-t', '20'], 10 * 60_000);
    expect(await stack.volumes()).to.deep.equal([]);
  });
});
