import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import r from 'rethinkdb';
import type { HttpSession } from '../../support/http-session.js';
import { TestDashboard } from '../../support/test-dashboard.js';

/** A rollup document as the processor writes it. */
function rollup(granularity: string, start: string, source: string, counts: Record<string, number>) {
  const dims = { source, pickupStation: 'BGY', carGroup: 'IDAR', channel: 'api' };
  return {
    id: `trip|${granularity}|${start}|${source}`,
    kind: 'trip',
    granularity,
    start,
    ...dims,
    counts,
    applied: { 'qf.quotes:0': 1 },
  };
}

describe('dashboard KPI explore API (real ReQL server)', function () {
  this.timeout(60_000);
  const dashboard = new TestDashboard('Europe/Rome');
  let analyst: HttpSession;

  before(async () => {
    await dashboard.migrate();
    await dashboard.rethink.run(
      r
        .db(dashboard.db)
        .table('rollups')
        .insert([
          // Rome's local days of 22 and 23 June 2026, and of 1 July, from two sources.
          rollup('day', '2026-06-21T22:00:00.000Z', 'rentalcars', {
            quotes: 10,
            demands: 6,
            convertedDemands: 3,
            bookings: 3,
            'revenueCents:EUR': 150_000,
          }),
          rollup('day', '2026-06-22T22:00:00.000Z', 'rentalcars', { quotes: 5, demands: 5 }),
          rollup('day', '2026-06-21T22:00:00.000Z', 'autoeurope', { quotes: 4, demands: 2 }),
          rollup('day', '2026-06-30T22:00:00.000Z', 'rentalcars', { quotes: 1, demands: 1 }),
          rollup('hour', '2026-06-22T08:00:00.000Z', 'rentalcars', { quotes: 2, demands: 2 }),
          {
            id: 'event|day|x',
            kind: 'event',
            granularity: 'day',
            start: '2026-06-21T22:00:00.000Z',
            project: 'web',
            type: 'view',
            name: 'home',
            counts: { events: 40 },
            applied: {},
          },
        ]),
    );
    const mark = (start: string, visitor: string) => ({
      id: `day|${start}|web|${visitor}`,
      granularity: 'day',
      start,
      project: 'web',
      visitor,
    });
    await dashboard.rethink.run(
      r
        .db(dashboard.db)
        .table('visitors')
        .insert([
          mark('2026-06-21T22:00:00.000Z', 'v1'),
          mark('2026-06-21T22:00:00.000Z', 'v2'),
          mark('2026-06-22T22:00:00.000Z', 'v1'),
          mark('2026-06-22T22:00:00.000Z', 'v3'),
        ]),
    );
    await dashboard.users.create({ email: 'ana@example.com', role: 'analyst', password: 'analyst password' });
    const base = await dashboard.start();
    analyst = (await dashboard.signIn(base, { email: 'ana@example.com', password: 'analyst password' }))
      .session;
  });

  after(() => dashboard.close());

  it('should sum days into weeks in the KPI zone, with every KPI', async () => {
    const response = await analyst.request(
      'GET',
      '/api/v1/kpis?from=2026-06-01T00:00:00Z&to=2026-07-31T00:00:00Z&granularity=week',
    );
    expect(response.status, response.text).to.equal(200);
    const rows = response.json?.rows as {
      label: string;
      start: string;
      group: null;
      totals: Record<string, unknown>;
    }[];
    expect(rows.map((row) => [row.label, row.start])).to.deep.equal([
      ['week of 2026-06-22', '2026-06-21T22:00:00.000Z'],
      ['week of 2026-06-29', '2026-06-28T22:00:00.000Z'],
    ]);
    expect(rows[0]?.totals).to.deep.include({
      quotes: 19,
      demands: 13,
      duplicates: 6,
      convertedDemands: 3,
      events: 40,
    });
    expect(rows[0]?.totals.revenue).to.deep.equal({ EUR: 1500 });
    expect(rows[0]?.totals.conversionRate).to.be.closeTo(3 / 13, 1e-12);
    // Distinct over the week (v1 came on both days), not the sum of the days.
    expect((rows as { uniqueVisitors?: number }[]).map((row) => row.uniqueVisitors)).to.deep.equal([3, 0]);
  });

  it('should group by a dimension and filter', async () => {
    const grouped = await analyst.request(
      'GET',
      '/api/v1/kpis?from=2026-06-21T00:00:00Z&to=2026-06-23T00:00:00Z&groupBy=source',
    );
    const rows = grouped.json?.rows as { label: string; group: string; totals: { quotes: number } }[];
    expect(rows.map((row) => [row.label, row.group, row.totals.quotes])).to.deep.equal([
      ['2026-06-22', 'autoeurope', 4],
      ['2026-06-22', 'rentalcars', 10],
      ['2026-06-23', 'rentalcars', 5],
    ]);
    const filtered = await analyst.request(
      'GET',
      '/api/v1/kpis?from=2026-06-21T00:00:00Z&to=2026-06-23T00:00:00Z&source=autoeurope&granularity=month',
    );
    expect(
      (filtered.json?.rows as { totals: { quotes: number; events: number } }[]).map(
        (row) => row.totals.quotes,
      ),
    ).to.deep.equal([4]);
  });

  it('should serve the stored counters themselves, filtered, without the processor bookkeeping', async () => {
    const response = await analyst.request(
      'GET',
      '/api/v1/rollups?granularity=day&from=2026-06-01&to=2026-07-01&source=autoeurope',
    );
    expect(response.json?.rollups).to.deep.equal([
      {
        id: 'trip|day|2026-06-21T22:00:00.000Z|autoeurope',
        kind: 'trip',
        granularity: 'day',
        start: '2026-06-21T22:00:00.000Z',
        source: 'autoeurope',
        pickupStation: 'BGY',
        carGroup: 'IDAR',
        channel: 'api',
        counts: { quotes: 4, demands: 2 },
      },
    ]);
    expect((await analyst.request('GET', '/api/v1/rollups?from=2026-06-01&to=2026-07-01')).status).to.equal(
      400,
    );
  });

  it('should name bad parameters', async () => {
    const response = await analyst.request(
      'GET',
      '/api/v1/kpis?from=2026-06-21T00:00:00Z&to=2026-06-01T00:00:00Z&granularity=year',
    );
    expect(response.status).to.equal(400);
    expect(response.json?.issues).to.deep.include({
      path: 'granularity',
      message: 'must be one of: "hour", "day", "week", "month"',
    });
  });

  it('should export the table as an XLSX with numbers and a revenue column per currency', async () => {
    const response = await analyst.download(
      '/api/v1/kpis/export?format=xlsx&from=2026-06-01T00:00:00Z&to=2026-07-31T00:00:00Z&granularity=day&groupBy=source',
    );
    expect(response.status).to.equal(200);
    const dir = await mkdtemp(join(tmpdir(), 'qf-kpis-'));
    const file = join(dir, 'kpis.xlsx');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 5)).to.deep.equal([
      'period',
      'start (Europe/Rome)',
      'source',
      'quotes',
      'demands',
    ]);
    expect(header).to.include('revenue EUR');
    const second = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(second.slice(0, 1)).to.deep.equal(['2026-06-22']);
    expect(second[2]).to.equal('rentalcars');
    expect(second[3]).to.equal(10);
    expect(second[header.indexOf('revenue EUR')]).to.equal(1500);
  });
});
