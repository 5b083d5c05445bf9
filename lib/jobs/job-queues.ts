import type { Queue } from 'bullmq';

/**
 * The BullMQ queues the dashboard fills and the worker empties (worker/README.md), under the
 * `worker.queuePrefix` Redis key prefix. Redis holds queues, not truth: a report's schedule is
 * upserted here when it is saved and again from RethinkDB at every worker start.
 */
export const REPORTS_QUEUE = 'reports';
export const EXPORTS_QUEUE = 'exports';

/** One run of a saved report (scheduled, or asked for with "run now"). */
export interface ReportJobData {
  reportId: string;
}

/** One background export; the job id is the export's id. */
export interface ExportJobData {
  exportId: string;
}

/** What the worker reports as an export's progress (BullMQ job progress, pushed to the browser). */
export interface ExportProgress {
  exportId: string;
  owner: string;
  rows: number;
  /** Rows the export will hold, counted when it starts (records may still arrive meanwhile). */
  total: number;
}

export function reportSchedulerId(reportId: string): string {
  return `report:${reportId}`;
}

/** How long BullMQ keeps finished report and export jobs (their history is in RethinkDB). */
const KEEP = { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } };

/**
 * Upserts a report's job scheduler: one job per tick of its cron, read in the KPI time zone,
 * whatever the number of workers. Upserting the same one twice leaves one.
 */
export async function scheduleReport(
  queue: Queue<ReportJobData>,
  report: { id: string; schedule: string },
  zone: string,
  retry: { attempts: number; backoffMs: number },
): Promise<void> {
  await queue.upsertJobScheduler(
    reportSchedulerId(report.id),
    { pattern: report.schedule, tz: zone },
    {
      name: 'report',
      data: { reportId: report.id },
      opts: { ...KEEP, attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs } },
    },
  );
}

export async function unscheduleReport(queue: Queue<ReportJobData>, reportId: string): Promise<void> {
  await queue.removeJobScheduler(reportSchedulerId(reportId));
}

/** A run outside the schedule ("run now"). */
export async function runReportNow(
  queue: Queue<ReportJobData>,
  reportId: string,
  retry: { attempts: number; backoffMs: number },
): Promise<void> {
  await queue.add(
    'report',
    { reportId },
    { ...KEEP, attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs } },
  );
}

/** Queues an export under its own id, so queuing it twice runs it once. */
export async function queueExport(
  queue: Queue<ExportJobData>,
  exportId: string,
  retry: { attempts: number; backoffMs: number },
): Promise<void> {
  await queue.add(
    'export',
    { exportId },
    {
      ...KEEP,
      jobId: exportId,
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
    },
  );
}
