import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import r from 'rethinkdb';
import { localDate, localMidnight } from '../../lib/time/zoned-time.js';
import { TestDashboard } from '../support/test-dashboard.js';

const ZONE = 'UTC';

function dayRollup(start: string, station: string, counts: Record<string, number>, offset: number) {
  return {
    id: `trip|day|${start}|${station}`,
    kind: 'trip',
    granularity: 'day',
    start,
    source: 'rentalcars',
    pickupStation: station,
    carGroup: 'IDAR',
    channel: 'api',
    counts,
    applied: { 'qf.quotes:0': offset },
  };
}

/**
 * The dashboard in Debian's Chromium, driven by playwright-core: sign in, watch a live tile move
 * after a write, filter, explore, download an XLSX export and read it back. Needs `npm run build`
 * (the browser bundle) and /usr/bin/chromium (test/services/system-packages.sh installs it).
 */
describe('dashboard in a real browser (Chromium, real ReQL server and Redis)', function () {
  this.timeout(120_000);
  const dashboard = new TestDashboard(ZONE);
  // Taken in `before`, not when mocha loads the file (a suite running past local midnight).
  let today = '';
  const rollups = () => r.db(dashboard.db).table('rollups');
  let browser: Browser;
  let page: Page;
  let base = '';

  before(async () => {
    today = localMidnight(localDate(new Date(), ZONE), ZONE).toISOString();
    await dashboard.migrate();
    await dashboard.rethink.run(
      rollups().insert([
        dayRollup(today, 'BGY', { quotes: 2, demands: 2 }, 1),
        dayRollup(today, '<img src=x onerror="window.__xss=1">', { quotes: 1, demands: 1 }, 1),
      ]),
    );
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    base = await dashboard.start();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  });

  after(async () => {
    await browser.close();
    await dashboard.close();
  });

  it('should sign in through the form and land on the live view', async () => {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).to.equal('/login');
    await page.fill('input[name=email]', 'ana@example.com');
    await page.fill('input[name=password]', 'analyst password');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
    await page.locator('[data-kpi=quotes]', { hasText: '3' }).waitFor({ timeout: 15_000 });
  });

  it('should move a live tile after a rollup is written', async () => {
    await dashboard.rethink.run(
      rollups().insert(dayRollup(today, 'BGY', { quotes: 7, demands: 5 }, 2), { conflict: 'replace' }),
    );
    await page.locator('[data-kpi=quotes]', { hasText: '8' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-kpi=duplicateRate]').textContent()).to.equal('25 %');
  });

  it('should apply a filter', async () => {
    await page.fill('input[name=station]', 'mxp');
    await page.click('form.filters button[type=submit]');
    await page.locator('[data-kpi=quotes]', { hasText: /^0$/ }).waitFor({ timeout: 10_000 });
    // An empty period says why and what to do, instead of a row of zeros alone.
    expect(await page.getByTestId('live-empty').textContent()).to.contain(
      'No quotes or bookings yet today with these filters.',
    );
    await page.fill('input[name=station]', 'BGY');
    await page.click('form.filters button[type=submit]');
    await page.locator('[data-kpi=quotes]', { hasText: /^7$/ }).waitFor({ timeout: 10_000 });
  });

  it('should show stored markup as text in the explore table', async () => {
    await page.goto(`${base}/#/explore?granularity=day&groupBy=pickupStation`);
    const table = page.getByTestId('explore-table');
    await table.getByText('<img src=x onerror="window.__xss=1">').waitFor({ timeout: 10_000 });
    expect(await page.evaluate('window.__xss')).to.equal(undefined);
    expect(await table.locator('img').count()).to.equal(0);
  });

  it('should download an XLSX export that reads back with real numbers', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-xlsx').click(),
    ]);
    const file = await download.path();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).to.deep.equal(['period', `start (${ZONE})`, 'pickupStation', 'quotes']);
    const rows = sheet.getSheetValues().slice(2) as unknown[][];
    const bgy = rows.find((row) => row[3] === 'BGY');
    expect(bgy?.[4]).to.equal(7);
  });
});
