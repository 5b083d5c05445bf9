import type { Request, Response } from 'express';
import { Router } from 'express';
import type { Queue } from 'bullmq';
import type { ReportsConfig } from '../../lib/config/worker-schema.js';
import { errorMessage } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { ReportJobData } from '../../lib/jobs/job-queues.js';
import { runReportNow, scheduleReport, unscheduleReport } from '../../lib/jobs/job-queues.js';
import type { ValidationIssue } from '../../lib/validation/issues.js';
import { formatIssues, toValidationIssues, valueFreeErrorMap } from '../../lib/validation/issues.js';
import { hasRole } from '../auth/roles.js';
import type { ReportDoc, ReportInput } from '../reports/report-definition.js';
import { reportInputSchema } from '../reports/report-definition.js';
import type { ReportStore } from '../reports/report-store.js';
import { unknownRecipientDomains } from '../reports/recipient-domains.js';
import { requireRole } from './authenticate.js';

export interface ReportsRoutesOptions {
  reports: ReportStore;
  queue: Queue<ReportJobData>;
  config: ReportsConfig;
  zone: string;
  logger: Logger;
  clock?: () => Date;
}

function badRequest(res: Response, issues: ValidationIssue[]): void {
  res.status(400).json({ error: 'bad_request', message: formatIssues(issues), issues });
}

/**
 * /api/v1/reports: scheduled reports (saved explore queries delivered as CSV/XLSX). Anyone signed
 * in reads them; analysts create them; their owner or an admin changes, runs or deletes one. A
 * saved report is scheduled at once (its BullMQ job scheduler); the worker also re-registers every
 * report at start, so Redis losing its data loses no schedule.
 */
export function reportsRoutes(options: ReportsRoutesOptions): Router {
  const { reports, queue, config, zone } = options;
  const clock = options.clock ?? (() => new Date());
  const retry = { attempts: config.attempts, backoffMs: config.backoffMs };
  const router = Router();

  /** The body as a report, or undefined after answering 400 naming each bad field. */
  const parse = (req: Request, res: Response): ReportInput | undefined => {
    const parsed = reportInputSchema.safeParse(req.body, { error: valueFreeErrorMap });
    if (!parsed.success) {
      badRequest(res, toValidationIssues(parsed.error));
      return undefined;
    }
    const input = parsed.data;
    const issues =
      input.delivery === 'email' ? unknownRecipientDomains(input.recipients, config.recipientDomains) : [];
    if (input.delivery === 'directory' && config.directory === '') {
      issues.push({
        path: 'delivery',
        message: 'no report directory is configured (worker.reports.directory): choose email',
      });
    }
    if (issues.length > 0) {
      badRequest(res, issues);
      return undefined;
    }
    return input;
  };

  /** The report if the user may change it; otherwise undefined after answering 404 or 403. */
  const owned = async (req: Request, res: Response): Promise<ReportDoc | undefined> => {
    const id = req.params.id;
    const report = await reports.get(typeof id === 'string' ? id : '');
    if (!report) {
      res.status(404).json({ error: 'not_found', message: 'no such report' });
      return undefined;
    }
    const user = req.user;
    if (!user || (report.owner !== user.id && !hasRole(user.role, 'admin'))) {
      res.status(403).json({ error: 'forbidden', message: 'only its owner or an admin may change a report' });
      return undefined;
    }
    return report;
  };

  /**
   * Schedules a saved report. The report is stored either way: with Redis away, the workers'
   * reports-sync job schedules it within 5 minutes, so `false` means "later", not "never" (and
   * answering an error would make the analyst save it twice).
   */
  const schedule = async (report: ReportDoc): Promise<boolean> => {
    try {
      await scheduleReport(queue, report, zone, retry);
      return true;
    } catch (error) {
      options.logger.warn({ report: report.id, err: errorMessage(error) }, 'cannot schedule a report yet');
      return false;
    }
  };

  router.get('/reports', async (_req, res) => {
    res.json({ zone, reports: await reports.list() });
  });

  router.get('/reports/:id', async (req, res) => {
    const report = await reports.get(req.params.id);
    if (!report) {
      res.status(404).json({ error: 'not_found', message: 'no such report' });
      return;
    }
    res.json({ report, runs: await reports.runsOf(report.id, 50) });
  });

  router.post('/reports', requireRole('analyst'), async (req, res) => {
    const input = parse(req, res);
    if (!input || !req.user) return;
    const report = await reports.create(input, req.user.id, clock());
    res.status(201).json({ report, scheduled: await schedule(report) });
  });

  router.put('/reports/:id', requireRole('analyst'), async (req, res) => {
    const current = await owned(req, res);
    if (!current) return;
    const input = parse(req, res);
    if (!input) return;
    const report = await reports.replace(current, input, clock());
    res.json({ report, scheduled: await schedule(report) });
  });

  router.delete('/reports/:id', requireRole('analyst'), async (req, res) => {
    const report = await owned(req, res);
    if (!report) return;
    // Unscheduled first: a report without a schedule is harmless, a schedule without its report
    // only makes the worker remove it at its next tick.
    await unscheduleReport(queue, report.id);
    await reports.delete(report.id);
    res.status(204).end();
  });

  router.post('/reports/:id/run', requireRole('analyst'), async (req, res) => {
    const report = await owned(req, res);
    if (!report) return;
    await runReportNow(queue, report.id, retry);
    res.status(202).json({ queued: true });
  });

  return router;
}
