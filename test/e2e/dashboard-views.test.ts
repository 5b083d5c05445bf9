import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Fixture } from '../support/dashboard-fixture.js';
import { SOURCES, seedDashboard } from '../support/dashboard-fixture.js';
import { localDate, localMidnight } from '../../lib/time/zoned-time.js';
import { repoRoot } from '../support/services.js';
import { TestDashboard } from '../support/test-dashboard.js';

const ZONE = 'Europe/Rome';
/** Where the screenshots go for review (ignored by git): one per view and width. */
const SHOTS = join(repoRoot, 'test/e2e/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [
  { name: 'desktop', viewport: { width: 1400, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (evaluated over the DevTools protocol, so the page's CSP allows it). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // A string, run in the page: this file is compiled without the DOM's types.
  const violations = await page.evaluate<AxeViolation[]>(
    'axe.run(document).then((result) => result.violations)',
  );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.help}): ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** Presses Tab until the focused element satisfies `test`; fails naming `what` after `max` presses. */
async function tabTo(page: Page, what: string, test: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

/**
 * Every view of the dashboard in Chromium at 1400 and 390 px wide, over a seeded dataset (six
 * sources, eight days): screenshots saved for review, no console error from the first sign-in on,
 * no page wider than the window (tables scroll inside their frame), no serious accessibility
 * violation (axe-core), and the main flows by keyboard alone. Needs `npm run build` (the bundle).
 */
describe('dashboard views in a real browser (Chromium, axe-core, real ReQL server and Redis)', function () {
  this.timeout(180_000);
  const dashboard = new TestDashboard(ZONE);
  let fixture: Fixture;
  let browser: Browser;
  let base = '';
  const consoleErrors: string[] = [];

  const views = () => [
    { name: 'live', path: '#/live', ready: '[data-kpi=quotes]:not(:text("–"))' },
    { name: 'live-7d', path: '#/live?period=7d', ready: '[data-compare=quotes]:has-text("previous 7 days")' },
    {
      name: 'explore',
      path: '#/explore?groupBy=source&granularity=day',
      ready: '[data-testid=explore-table] tbody tr',
    },
    { name: 'demands', path: '#/demands', ready: '[data-testid=demands-table] tbody tr' },
    {
      name: 'demand',
      path: `#/demand/${encodeURIComponent(fixture.convertedDemandId)}`,
      ready: '[data-testid=demand-pairs] tbody tr',
    },
    {
      name: 'records',
      path: `#/records/quotes?from=${encodeURIComponent(new Date(Date.now() - 3 * 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      ready: '[data-testid=records-table] tbody tr',
    },
    { name: 'pipeline', path: '#/pipeline', ready: 'article.card' },
    { name: 'alerts', path: '#/alerts', ready: '[data-testid=alerts-table]' },
  ];

  async function signedIn(viewport: {
    width: number;
    height: number;
  }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} ${message.location().url}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    await page.goto(`${base}/`);
    await page.fill('input[name=email]', 'ana@example.com');
    await page.fill('input[name=password]', 'analyst password');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
    return { context, page };
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await dashboard.migrate();
    fixture = await seedDashboard(dashboard.rethink, ZONE);
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    base = await dashboard.start();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser.close();
    await dashboard.close();
  });

  for (const { name: width, viewport } of WIDTHS) {
    describe(`when ${viewport.width} px wide`, () => {
      let context: BrowserContext;
      let page: Page;
      before(async () => {
        ({ context, page } = await signedIn(viewport));
      });
      after(() => context.close());

      it('should show every view within the window, without serious accessibility violations', async () => {
        for (const view of views()) {
          await page.goto(`${base}/${view.path}`);
          await page.locator(view.ready).first().waitFor({ timeout: 20_000 });
          await page.screenshot({ path: join(SHOTS, `${view.name}-${width}.png`), fullPage: true });
          const overflow = await page.evaluate<number>(
            'document.documentElement.scrollWidth - window.innerWidth',
          );
          expect(overflow, `${view.name}: page wider than the window by ${overflow} px`).to.be.at.most(0);
          expect(await seriousViolations(page), view.name).to.deep.equal([]);
        }
      });
    });
  }

  describe('when an analyst works by keyboard alone', () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      ({ context, page } = await signedIn({ width: 1400, height: 900 }));
    });
    after(() => context.close());

    it('should reach Demands from the menu, search a customer and open the demand', async () => {
      await page.locator('[data-kpi=quotes]').waitFor();
      await tabTo(
        page,
        'the Demands link',
        `document.activeElement?.getAttribute('data-view') === 'demands'`,
      );
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=demands-table] tbody tr').first().waitFor();
      await tabTo(page, 'the search box', `document.activeElement?.getAttribute('name') === 'q'`);
      await page.keyboard.type(fixture.searchEmail);
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=demands-summary]', { hasText: 'found by email' }).waitFor();
      expect(await page.locator('[data-testid=demands-table] tbody tr').count()).to.equal(1);
      await tabTo(
        page,
        'the demand link',
        `document.activeElement?.getAttribute('href')?.startsWith('#/demand/') === true`,
      );
      await page.keyboard.press('Enter');
      await page.locator('[data-testid=demand-pairs] tbody tr').first().waitFor();
      expect(decodeURIComponent(new URL(page.url()).hash)).to.equal(`#/demand/${fixture.convertedDemandId}`);
    });

    it('should switch the live period and toggle an explore series by keyboard', async () => {
      await page.goto(`${base}/#/live`);
      await page.locator('[data-kpi=quotes]:not(:text("–"))').waitFor();
      await tabTo(page, 'the 7 days button', `document.activeElement?.getAttribute('data-period') === '7d'`);
      await page.keyboard.press('Enter');
      await page.locator('[data-compare=quotes]', { hasText: 'previous 7 days' }).waitFor();
      expect(await page.locator('[data-period="7d"]').getAttribute('aria-pressed')).to.equal('true');

      await page.goto(`${base}/#/explore?groupBy=source`);
      await page.locator('[data-testid=series-toggles] input').first().waitFor();
      await tabTo(
        page,
        'the first series toggle',
        `document.activeElement?.getAttribute('name') === 'series'`,
      );
      await page.keyboard.press(' ');
      await page.waitForFunction("window.location.hash.includes('hide=')");
      expect(new URL(page.url()).hash).to.contain(`hide=${SOURCES.slice().sort()[0] ?? ''}`);
    });
  });

  describe('when exploring', () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      ({ context, page } = await signedIn({ width: 1400, height: 900 }));
    });
    after(() => context.close());

    it('should keep the view in the URL, go back with the Back button, and drill down to the records', async () => {
      await page.goto(`${base}/#/explore`);
      await page.locator('[data-testid=explore-table] tbody tr').first().waitFor();
      await page.selectOption('select[name=groupBy]', 'source');
      await page.click('form.filters button[type=submit]');
      await page.locator('[data-testid=explore-table] th', { hasText: 'source' }).waitFor();
      expect(new URL(page.url()).hash).to.contain('groupBy=source');
      await page.goBack();
      await page.waitForFunction("!window.location.hash.includes('groupBy=source')");
      await page.locator('[data-testid=explore-table] th', { hasText: 'visitors' }).waitFor();
      expect(await page.locator('select[name=groupBy]').inputValue()).to.equal('');

      const firstQuotes = page
        .locator('[data-testid=explore-table] tbody tr')
        .first()
        .locator('td')
        .nth(1)
        .locator('a');
      const count = Number((await firstQuotes.textContent())?.replace(/\D/g, ''));
      await firstQuotes.click();
      const pager = page.getByTestId('pager-text');
      await pager.waitFor();
      expect(await pager.textContent()).to.match(new RegExp(`of ${count.toLocaleString('en-GB')}$`));
    });

    it('should drill a rate cell down by keyboard to the demands list of its group, whose counts agree with the row', async () => {
      await page.goto(`${base}/#/explore?groupBy=channel&granularity=week`);
      const rows = page.locator('[data-testid=explore-table] tbody tr');
      await rows.first().waitFor();
      // The fixture converts by source, station and car group alike; grouped by channel (all
      // "api") a row mixes converted and unconverted demands.
      // Columns grouped: period, channel, quotes, demands, duplicate rate, bookings, converted, conversion.
      const number = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));
      const table = await Promise.all(
        (await rows.all()).map(async (row) =>
          (await row.locator('td').allTextContents()).map((t) => t.trim()),
        ),
      );
      // The busiest row with some demands converted and some not: numerator and denominator differ.
      const pick = table
        .map((cells, index) => ({ cells, index }))
        .filter(({ cells }) => number(cells[6] ?? '') > 0 && number(cells[6] ?? '') < number(cells[3] ?? ''))
        .sort((a, b) => number(b.cells[3] ?? '') - number(a.cells[3] ?? ''))[0];
      expect(pick, 'a row with converted demands').to.not.equal(undefined);
      const { cells, index } = pick ?? { cells: [], index: 0 };
      const [channel, quotes, demands, converted] = [
        cells[1],
        number(cells[2] ?? ''),
        number(cells[3] ?? ''),
        number(cells[6] ?? ''),
      ];

      for (const [rate, column, numerator, denominator] of [
        ['conversion', 7, converted, demands],
        ['duplicates', 4, quotes - demands, quotes],
      ] as const) {
        await page.goto(`${base}/#/explore?groupBy=channel&granularity=week`);
        const link = rows.nth(index).locator('td').nth(column).locator('a');
        await link.waitFor();
        const name = (await link.getAttribute('aria-label')) ?? '';
        expect(name).to.match(
          rate === 'conversion'
            ? /^Conversion .*: open its .* demands/
            : /^Duplicate rate .*: open the demands of its/,
        );
        expect(name).to.contain(channel);
        const href = new URL(`${base}/${(await link.getAttribute('href')) ?? ''}`);
        // Reached by keyboard: Tab to this very link, then Enter.
        await tabTo(
          page,
          `the ${rate} cell`,
          `document.activeElement?.getAttribute('aria-label') === ${JSON.stringify(name)}`,
          400,
        );
        await page.keyboard.press('Enter');
        await page.getByTestId('rate-numerator').waitFor();

        // The URL carries the row's period, its group as a filter and the rate, as count cells do.
        const state = new URLSearchParams(new URL(page.url()).hash.replace(/^#\/demands\?/, ''));
        const expected = new URLSearchParams(href.hash.replace(/^#\/demands\?/, ''));
        expect(state.get('channel')).to.equal(channel);
        expect(state.get('rate')).to.equal(rate);
        expect(state.get('from')).to.equal(expected.get('from'));
        expect(state.get('to')).to.equal(expected.get('to'));
        // The form shows that period as local dates (weeks start at local midnight), not the default.
        const localStart = localDate(new Date(expected.get('from') ?? ''), ZONE);
        expect(await page.locator('input[name=from]').inputValue()).to.equal(localStart);
        expect(await page.locator('input[name=from]').getAttribute('type')).to.equal('date');
        expect(await page.locator('input[name=channel]').inputValue()).to.equal(channel);

        expect(number(await page.getByTestId('rate-numerator').textContent())).to.equal(numerator);
        expect(number(await page.getByTestId('rate-denominator').textContent())).to.equal(denominator);
        // The list itself: every demand of the group and period (the conversion's denominator; the
        // duplicate rate's quotes less its duplicates).
        const summary = page.getByTestId('demands-summary');
        await summary.filter({ hasText: 'demand(s)' }).waitFor();
        expect(number((await summary.textContent())?.split(' demand')[0] ?? '')).to.equal(demands);
      }
    });

    it('should page the records forward and back with the page in the URL, through a reload', async () => {
      const from = encodeURIComponent(new Date(Date.now() - 8 * 86_400_000).toISOString());
      const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
      await page.goto(`${base}/#/records/quotes?from=${from}&to=${to}`);
      const pager = page.getByTestId('pager-text');
      await pager.filter({ hasText: /^1–50 of/ }).waitFor();
      const total = (await pager.textContent())?.replace(/^1–50 of /, '') ?? '';
      const firstIds = await page.locator('[data-testid=records-table] tbody tr').allTextContents();
      await page.getByRole('button', { name: 'Next' }).click();
      await pager.filter({ hasText: /^51–/ }).waitFor();
      expect(await pager.textContent()).to.match(new RegExp(`^51–\\d+ of ${total.replace('+', '\\+')}$`));
      expect(new URL(page.url()).hash).to.match(/[?&]cursor=/);
      const secondIds = await page.locator('[data-testid=records-table] tbody tr').allTextContents();
      expect(secondIds.filter((row) => firstIds.includes(row))).to.deep.equal([]);
      // A reload (or a shared link) shows the same page.
      await page.reload();
      await pager.filter({ hasText: /^51–/ }).waitFor();
      expect(await page.locator('[data-testid=records-table] tbody tr').allTextContents()).to.deep.equal(
        secondIds,
      );
      await page.getByRole('button', { name: 'Previous' }).click();
      await pager.filter({ hasText: /^1–50 of/ }).waitFor();
      expect(await page.locator('[data-testid=records-table] tbody tr').allTextContents()).to.deep.equal(
        firstIds,
      );
      expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).to.equal(true);
    });

    it('should show times in the KPI zone and lead times in days', async () => {
      await page.goto(`${base}/#/demands`);
      const row = page.locator('[data-testid=demands-table] tbody tr').first();
      await row.waitFor();
      const cells = await row.locator('td').allTextContents();
      // The list starts at local midnight 7 days ago in the KPI zone, oldest first.
      const from = localMidnight(localDate(new Date(Date.now() - 7 * 86_400_000), ZONE), ZONE).toISOString();
      const first = fixture.clusters
        .map((cluster) => String(cluster.firstQuotedAt))
        .filter((at) => at >= from)
        .sort()[0];
      const wallClock = new Intl.DateTimeFormat('en-GB', {
        timeZone: ZONE,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(first ?? ''));
      expect(cells[0]).to.equal(wallClock);
      expect(cells.at(-1)).to.match(/^\d+(\.\d)? days$/);
    });
  });

  describe('when reading pipeline health', () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      ({ context, page } = await signedIn({ width: 1400, height: 900 }));
    });
    after(() => context.close());

    it('should show a card per source and partition group, the failing one with its error, offsets behind details', async () => {
      await page.goto(`${base}/#/pipeline`);
      await page.locator('article.card').first().waitFor();
      expect(await page.locator('article.card[data-card^="connector:"]').count()).to.equal(SOURCES.length);
      expect(await page.locator('article.card[data-card^="processor:"]').count()).to.equal(3);
      const failing = page.locator(`article.card[data-card="connector:${SOURCES[5] ?? ''}"]`);
      expect(await failing.getByTestId('card-state').textContent()).to.equal('failing');
      expect(await failing.textContent()).to.contain('ECONNREFUSED');
      const offsets = failing.locator('details pre');
      expect(await offsets.isVisible()).to.equal(false);
      await failing.locator('details summary').click();
      expect(await offsets.textContent()).to.contain('"offsets"');
    });
  });

  // Last: mocha runs a describe's own tests before its nested ones.
  describe('when all of that is done', () => {
    it('should have logged no console error, from the first sign-in in a fresh browser on', () => {
      expect(consoleErrors).to.deep.equal([]);
    });
  });
});
