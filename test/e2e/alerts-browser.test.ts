import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import r from 'rethinkdb';
import { TestDashboard } from '../support/test-dashboard.js';

/**
 * The Alerts view in Debian's Chromium: a firing alert shows first, an admin silences it for a
 * period through the page, and the history shows who did. Needs `npm run build` (the bundle).
 */
describe('alerts view in a real browser (Chromium, real ReQL server and Redis)', function () {
  this.timeout(120_000);
  const dashboard = new TestDashboard();
  let browser: Browser;
  let page: Page;
  let base = '';

  before(async () => {
    await dashboard.migrate();
    const alert = (subject: string, state: string, summary: string) => ({
      id: `freshness:${subject}`,
      check: 'freshness',
      subject,
      state,
      summary,
      details: {},
      value: null,
      since: '2026-11-27T10:00:00.000Z',
      evaluatedAt: '2026-11-27T10:05:00.000Z',
      firedAt: null,
      resolvedAt: null,
      notified: null,
      lastFireNotifiedAt: null,
      silencedUntil: null,
      silencedBy: null,
      revision: 1,
    });
    await dashboard.rethink.run(
      r
        .db(dashboard.db)
        .table('alerts')
        .insert([
          alert('autoeurope', 'ok', 'autoeurope: newest quote at 2026-11-27T10:04:00.000Z'),
          alert('rentalcars', 'firing', 'no new quotes from rentalcars for more than 60 minutes'),
        ]),
    );
    await dashboard.users.create({ email: 'root@example.com', role: 'admin', password: 'admin password 1' });
    base = await dashboard.start();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', 'root@example.com');
    await page.fill('input[name=password]', 'admin password 1');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
  });

  after(async () => {
    await browser.close();
    await dashboard.close();
  });

  it('should show the firing alert first and let an admin silence it', async () => {
    await page.goto(`${base}/#/alerts`);
    const rows = page.getByTestId('alerts-table').locator('tbody tr');
    await rows.first().waitFor({ timeout: 10_000 });
    expect(await rows.first().getAttribute('data-alert-id')).to.equal('freshness:rentalcars');
    expect(await rows.count()).to.equal(2);

    await page.getByTestId('silence-freshness:rentalcars').click();
    await page.getByTestId('unsilence-freshness:rentalcars').waitFor({ timeout: 10_000 });
    await page
      .getByTestId('alert-history-table')
      .getByText('(root@example.com)', { exact: false })
      .waitFor({ timeout: 10_000 });
    const stored = await dashboard.rethink.run(
      r.db(dashboard.db).table('alerts').get('freshness:rentalcars'),
    );
    expect(stored).to.include({ silencedBy: 'root@example.com' });
  });
});
