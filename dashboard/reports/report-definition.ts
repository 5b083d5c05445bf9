import { z } from 'zod';
import { cronExpression } from '../../lib/config/worker-schema.js';
import { EXPLORE_GRANULARITIES, GROUP_BY } from '../../lib/kpi/explore.js';
import { kpiFilterSchema } from '../../lib/kpi/kpi-filter.js';

/**
 * A scheduled report (worker/README.md, "Scheduled reports"): a saved explore query whose period
 * is relative to each run, read in the KPI time zone — `yesterday` run at 06:00 on the 27th is
 * the 26th from local midnight to midnight. `today`, `thisWeek` and `thisMonth` end at the run.
 */
export const REPORT_PERIODS = [
  'today',
  'yesterday',
  'last7Days',
  'thisWeek',
  'lastWeek',
  'last30Days',
  'thisMonth',
  'lastMonth',
] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

const email = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, {
    message: 'must be an email address',
  });

/** What an analyst sends to create or replace a report. */
export const reportInputSchema = z
  .strictObject({
    // No control characters: the name goes into a mail subject and a file name.
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\p{Cc}]*$/u, { message: 'must not hold control characters (line breaks, tabs…)' }),
    period: z.enum(REPORT_PERIODS),
    granularity: z.enum(EXPLORE_GRANULARITIES).default('day'),
    groupBy: z.enum(GROUP_BY).nullable().default(null),
    filter: kpiFilterSchema.default({}),
    format: z.enum(['csv', 'xlsx']).default('csv'),
    /** Cron (five fields, or six with seconds first), read in the KPI time zone. */
    schedule: cronExpression,
    /** `email`: mailed to `recipients`; `directory`: written to worker.reports.directory. */
    delivery: z.enum(['email', 'directory']).default('email'),
    recipients: z.array(email).max(50).default([]),
  })
  .refine((input) => input.delivery !== 'email' || input.recipients.length > 0, {
    message: 'must name at least one address when delivery is email',
    path: ['recipients'],
  });
export type ReportInput = z.output<typeof reportInputSchema>;

/** One run of a report, newest first in its history (table `report_runs`). */
export interface ReportRun {
  id?: string;
  reportId: string;
  /** The tick the run is for (its period is relative to it), ISO-8601 UTC. */
  at: string;
  finishedAt: string;
  status: 'delivered' | 'failed' | 'gave_up';
  attempt: number;
  /** The period the file covers. */
  from: string;
  to: string;
  rows: number;
  file: string;
  /** Mail: the addresses it went to, and those the server refused. */
  recipients?: string[];
  refused?: string[];
  /** A failure, without secrets. */
  error?: string;
}

export interface ReportDoc extends ReportInput {
  id: string;
  /** The user (lower-cased email) who saved it: they and admins may change it. */
  owner: string;
  createdAt: string;
  updatedAt: string;
  lastRun: ReportRun | null;
}
