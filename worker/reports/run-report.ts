import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportsConfig } from '../../lib/config/worker-schema.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { QuoteflowError } from '../../lib/errors.js';
import { exploreColumns } from '../../lib/export/explore-columns.js';
import { rowsOf, writeExportFile } from '../../lib/export/export-file.js';
import { exploreTable } from '../../dashboard/kpi/explore-table.js';
import type { ReportDoc, ReportRun } from '../../dashboard/reports/report-definition.js';
import { reportPeriod } from '../../dashboard/reports/report-period.js';
import type { ReportStore } from '../../dashboard/reports/report-store.js';
import type { ReportMailer } from './report-mailer.js';

export interface RunReportOptions {
  db: RethinkdbClient;
  reports: ReportStore;
  mailer: ReportMailer;
  config: ReportsConfig;
  zone: string;
  clock: () => Date;
}

/** A file-name part from a report name: letters, digits and dashes. */
export function slug(name: string): string {
  const text = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return text === '' ? 'report' : text;
}

function mailText(
  report: ReportDoc,
  period: { from: string; to: string; label: string },
  rows: number,
  zone: string,
) {
  const filters = Object.entries(report.filter)
    .map(([key, value]) => `${key} = ${value}`)
    .join(', ');
  return [
    `Quoteflow report "${report.name}"`,
    '',
    `Period: ${period.label} (${report.period}, days in ${zone})`,
    `Rows: ${rows}, one per ${report.granularity}${report.groupBy === null ? '' : ` and ${report.groupBy}`}`,
    `Filters: ${filters === '' ? 'none' : filters}`,
    '',
    "The file is attached. Sent by the Quoteflow worker on the report's schedule.",
  ].join('\n');
}

/**
 * One run of a saved report for the tick `at`: the explore table of the period relative to the
 * tick, written as CSV or XLSX with the dashboard's own export writers, then mailed to the
 * recipients or written into `worker.reports.directory/<name>-<id>/`. Returns the run to record;
 * undefined when the report no longer exists (deleted since the tick was scheduled). A failure
 * throws, and the job is retried with backoff.
 */
export async function runReport(
  reportId: string,
  at: Date,
  attempt: number,
  options: RunReportOptions,
): Promise<ReportRun | undefined> {
  const report = await options.reports.get(reportId);
  if (!report) return undefined;
  const { zone, config } = options;
  const period = reportPeriod(report.period, at, zone);
  const rows = await exploreTable(
    options.db,
    {
      from: period.from,
      to: period.to,
      granularity: report.granularity,
      groupBy: report.groupBy ?? undefined,
      filter: report.filter,
    },
    zone,
  );
  const file = `${slug(report.name)}-${period.label}.${report.format}`;
  const write = (path: string) =>
    writeExportFile(path, {
      format: report.format,
      sheetName: 'KPIs',
      zone,
      columns: exploreColumns(rows, zone, report.groupBy ?? undefined),
      rows: rowsOf(rows),
    });
  const run: ReportRun = {
    reportId,
    at: at.toISOString(),
    finishedAt: '',
    status: 'delivered',
    attempt,
    from: period.from,
    to: period.to,
    rows: rows.length,
    file,
  };

  if (report.delivery === 'directory') {
    if (config.directory === '') {
      throw new QuoteflowError(
        'REPORTS_DIRECTORY_UNSET',
        'worker.reports.directory is empty: this report cannot be written anywhere',
        { retriable: false },
      );
    }
    const folder = join(config.directory, `${slug(report.name)}-${report.id.slice(0, 8)}`);
    await mkdir(folder, { recursive: true });
    await write(join(folder, file));
    return { ...run, finishedAt: options.clock().toISOString() };
  }

  const scratch = await mkdtemp(join(tmpdir(), 'quoteflow-report-'));
  try {
    const path = join(scratch, `${randomUUID()}.${report.format}`);
    await write(path);
    const refused = await options.mailer.send({
      to: report.recipients,
      subject: `Quoteflow report: ${report.name} (${period.label})`,
      text: mailText(report, period, rows.length, zone),
      attachment: { filename: file, path },
    });
    return {
      ...run,
      finishedAt: options.clock().toISOString(),
      recipients: report.recipients.filter((address) => !refused.includes(address)),
      ...(refused.length > 0 ? { refused } : {}),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
