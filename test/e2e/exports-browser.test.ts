import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import r from 'rethinkdb';
import { TestDashboard } from '../support/test-dashboard.js';
import { TestWorkers, noChecks } from '../support/test-worker.js';

const QUOTES = 6000;

/**
 * The Exports and Reports views in Debian's Chromium, against a real worker: an analyst starts an
 * export, watches its progress bar move as the worker pushes progress over Socket.IO, and
 * downloads the file; a report with a bad cron is refused naming the field, a good one is listed.
 * Needs `npm run build` (the bundle).
 */
describe('exports and reports views in a real browser (Chromium, worker, ReQL server, Redis)', function () {
  this.timeout(120_000);
  const workers = new TestWorkers();
  let dashboard: TestDashboard;
  let directory: string;
  let browser: Browser;
  let page: Page;
  let base = '';

  before(async () => {
    await workers.migrate();
    directory = await mkdtemp(join(tmpdir(), 'qf-e2e-exports-'));
    dashboard = new TestDashboard(
      'UTC',
      { QF_WORKER_QUEUE_PREFIX: workers.prefix, QF_WORKER_EXPORTS_DIRECTORY: directory },
      workers.db,
    );
    await workers.rethink.run(
      r
        .db(workers.db)
        .table('quotes')
        .insert(
          Array.from({ length: QUOTES }, (_, index) => ({
            id: `rentalcars:${index}`,
            source: 'rentalcars',
            sourceKey: String(index),
            quotedAt: new Date(Date.UTC(2026, 5, 10) + index * 10_000).toISOString(),
            pickup: { station: 'BGY', at: '2026-07-01T07:00:00.000Z' },
            dropoff: { station: 'BGY', at: '2026-07-05T07:00:00.000Z' },
            customer: { email: `c${index}@example.com`, phone: null, name: `Customer ${index}` },
          })),
        ),
    );
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    base = await dashboard.start();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', 'ana@example.com');
    await page.fill('input[name=password]', 'analyst password');
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
  });

  after(async () => {
    await browser.close();
    await dashboard.close();
    await workers.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('should show a moving progress bar, then a download link that gives the file', async () => {
    await page.goto(`${base}/#/exports`);
    const form = page.getByTestId('export-form');
    await form.locator('select[name=kind]').selectOption('quotes');
    await form.locator('input[name=from]').fill('2026-06-01');
    await form.locator('input[name=to]').fill('2026-07-01');
    await form.getByRole('button', { name: 'Start export' }).click();

    // Queued, no worker yet: the bar is there, at zero.
    const bar = page.locator('progress[data-testid^="progress-"]');
    await bar.waitFor({ timeout: 10_000 });
    const id = ((await bar.getAttribute('data-testid')) ?? '').replace('progress-', '');
    expect(await bar.getAttribute('value')).to.equal('0');
    // Every value the bar takes, as Socket.IO pushes move it.
    // (Page code as text: the test's own TypeScript has no DOM types.)
    await page.evaluate(`{
      const element = document.querySelector('[data-testid="progress-${id}"]');
      window.barValues = [];
      new MutationObserver(() => window.barValues.push(element.getAttribute('value')))
        .observe(element, { attributes: true, attributeFilter: ['value'] });
    }`);

    await workers.start(
      workers.config(
        [noChecks(), '  exports:', `    directory: '${directory}'`, '    progressIntervalMs: 10'].join('\n'),
      ),
      'one',
    );
    const link = page.getByTestId(`download-${id}`);
    await link.waitFor({ timeout: 30_000 });
    const values = await page.evaluate<string[]>('window.barValues');
    const moving = values.map(Number).filter((value) => value > 0 && value < QUOTES);
    expect(moving.length, `bar values ${values.join(',')}`).to.be.greaterThan(0);
    expect(await page.getByTestId(`rows-${id}`).textContent()).to.equal(`${QUOTES} / ${QUOTES}`);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).to.equal('quoteflow-quotes-2026-06-01-2026-07-01.csv');
    const text = await readFile(await download.path(), 'utf8');
    expect(text.replace(/^\uFEFF/, '').split('\r\n')).to.have.length(QUOTES + 2);
  });

  it('should name a bad cron expression, then list the saved report and edit it', async () => {
    await page.goto(`${base}/#/reports`);
    const form = page.getByTestId('report-form');
    await form.waitFor({ state: 'visible', timeout: 10_000 });
    await form.locator('input[name=name]').fill('Weekly stations');
    await form.locator('select[name=period]').selectOption('lastWeek');
    await form.locator('input[name=schedule]').fill('every monday');
    await form.locator('input[name=recipients]').fill('ana@example.com');
    await form.getByRole('button', { name: 'Save report' }).click();
    await page
      .getByTestId('reports-message')
      .getByText('schedule: must be a cron expression', { exact: false })
      .waitFor({ timeout: 10_000 });

    await form.locator('input[name=schedule]').fill('0 7 * * 1');
    await form.getByRole('button', { name: 'Save report' }).click();
    const row = page.getByTestId('reports-table').locator('tbody tr');
    await row.first().waitFor({ timeout: 10_000 });
    expect(await row.first().locator('td').first().textContent()).to.equal('Weekly stations');
    expect(await page.getByTestId('reports-message').textContent()).to.equal('');

    // Edit it: the form takes its values, saving replaces it (one report, the new schedule).
    const id = (await row.first().getAttribute('data-report-id')) ?? '';
    await page.getByTestId(`edit-${id}`).click();
    expect(await form.locator('input[name=name]').inputValue()).to.equal('Weekly stations');
    expect(await form.locator('select[name=period]').inputValue()).to.equal('lastWeek');
    await form.locator('input[name=schedule]').fill('30 8 * * 1');
    await form.getByRole('button', { name: 'Save report' }).click();
    await row.first().getByText('30 8 * * 1').waitFor({ timeout: 10_000 });
    expect(await row.count()).to.equal(1);
  });
});
