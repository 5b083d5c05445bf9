import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { funnelScenario } from '../support/funnel-scenario.js';
import { ProcessorHarness } from '../support/processor-harness.js';
import { repoRoot } from '../support/services.js';
import { TestDashboard } from '../support/test-dashboard.js';

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

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>(
    'axe.run(document).then((result) => result.violations)',
  );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * The web funnel view and a demand's visitor path in Chromium at 1400 and 390 px, over the funnel
 * scenario written through the real processor: the steps and groups as the API counts them, the
 * state in the URL, drill-down to the demands, screenshots for review, no console error, no page
 * wider than the window, no serious axe violation. Needs `npm run build` (the bundle).
 */
describe('web funnel in a real browser (Chromium, axe-core, processor, real ReQL server)', function () {
  this.timeout(240_000);
  const harness = new ProcessorHarness();
  let dashboard: TestDashboard;
  let browser: Browser;
  let base = '';
  const consoleErrors: string[] = [];
  const funnelPath = '#/funnel?from=2026-06-25&to=2026-06-26&groupBy=campaign';

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await harness.setUp();
    dashboard = new TestDashboard('Europe/Rome', {}, harness.client.db);
    await dashboard.migrate();
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    base = await dashboard.start();
    const { values, quotes, bookings, bridge } = funnelScenario();
    harness.startProcessor();
    await harness.produceRaw(harness.topics.events.name, values);
    await harness.produceTrips([...quotes, ...bookings, bridge], new Map());
    await harness.waitUntilCaughtUp();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser.close();
    await dashboard.close();
    await harness.tearDown();
  });

  async function signedIn(viewport: { width: number; height: number }) {
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

  for (const { name, viewport } of WIDTHS) {
    it(`should show the funnel and a visitor path within ${viewport.width} px, accessibly`, async () => {
      const { context, page } = await signedIn(viewport);
      await page.goto(`${base}/${funnelPath}`);
      await page.locator('[data-testid=funnel-table] tbody tr').first().waitFor();
      expect(await page.locator('[data-testid=funnel-steps] .tile strong').allTextContents()).to.deep.equal([
        '4',
        '3',
        '2',
        '1',
      ]);
      expect(
        await page.locator('[data-testid=funnel-table] tbody tr td:first-child').allTextContents(),
      ).to.deep.equal(['summer', 'winter', '(none)']);
      await page.screenshot({ path: join(SHOTS, `funnel-${name}.png`), fullPage: true });
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `funnel: page wider than the window by ${overflow} px`).to.be.at.most(0);
      expect(await seriousViolations(page), 'funnel').to.deep.equal([]);

      await page.goto(`${base}/#/demand/${encodeURIComponent('rentalcars:a1')}`);
      await page.locator('[data-testid=visitor-path-events] tbody tr').first().waitFor();
      expect(await page.locator('[data-testid=visitor-path-events] tbody tr').count()).to.equal(5);
      await page.screenshot({ path: join(SHOTS, `visitor-path-${name}.png`), fullPage: true });
      const demandOverflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(demandOverflow, `demand: page wider than the window by ${demandOverflow} px`).to.be.at.most(0);
      expect(await seriousViolations(page), 'demand').to.deep.equal([]);
      await context.close();
    });
  }

  it('should keep the funnel in the URL, go back, and drill down to the demands of a source', async () => {
    const { context, page } = await signedIn({ width: 1400, height: 900 });
    await page.goto(`${base}/${funnelPath}`);
    await page.locator('[data-testid=funnel-table] tbody tr').first().waitFor();
    await page.selectOption('select[name=groupBy]', 'source');
    await page.click('form.filters button[type=submit]');
    await page.locator('[data-testid=funnel-table] th', { hasText: 'source' }).waitFor();
    expect(new URL(page.url()).hash).to.contain('groupBy=source');
    await page.goBack();
    await page.locator('[data-testid=funnel-table] th', { hasText: 'campaign' }).waitFor();
    expect(await page.locator('select[name=groupBy]').inputValue()).to.equal('campaign');

    await page.goto(`${base}/#/funnel?from=2026-06-25&to=2026-06-26&groupBy=source`);
    const row = page.locator('[data-testid=funnel-table] tbody tr', { hasText: 'discovercars' });
    await row.waitFor();
    await row.locator('a[href^="#/demands"]').click();
    await page.locator('[data-testid=demands-table] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid=demands-table] tbody tr').count()).to.equal(1);
    expect(new URL(page.url()).hash).to.contain('source=discovercars');
    await context.close();
  });

  it('should reach the funnel by keyboard from the menu and group it without a mouse', async () => {
    const { context, page } = await signedIn({ width: 1400, height: 900 });
    await page.locator('[data-kpi=quotes]').waitFor();
    const tabTo = async (what: string, test: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate<boolean>(test)) return;
      }
      throw new Error(`Tab never reached ${what}`);
    };
    await tabTo('the Funnel link', `document.activeElement?.getAttribute('data-view') === 'funnel'`);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=funnel-steps] .tile').first().waitFor();
    await tabTo('the from date', `document.activeElement?.getAttribute('name') === 'from'`);
    await page.keyboard.type('06252026');
    await tabTo('the to date', `document.activeElement?.getAttribute('name') === 'to'`);
    await page.keyboard.type('06262026');
    await tabTo('group by', `document.activeElement?.getAttribute('name') === 'groupBy'`);
    await page.keyboard.press('ArrowDown');
    await tabTo('the Show button', `document.activeElement?.textContent === 'Show'`);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=funnel-table] th', { hasText: 'campaign' }).waitFor();
    expect(new URL(page.url()).hash).to.equal('#/funnel?from=2026-06-25&to=2026-06-26&groupBy=campaign');
    await context.close();
  });

  it('should say why the funnel is empty', async () => {
    const { context, page } = await signedIn({ width: 1400, height: 900 });
    await page.goto(`${base}/#/funnel?from=2020-01-01&to=2020-01-02`);
    await page.locator('.empty', { hasText: 'No visit in this period.' }).waitFor();
    await context.close();
  });

  it('should have logged no console error', () => {
    expect(consoleErrors).to.deep.equal([]);
  });
});
