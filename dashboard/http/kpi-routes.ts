import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { formatIssues, toValidationIssues, valueFreeErrorMap } from '../../lib/validation/issues.js';
import { exploreColumns } from '../../lib/export/explore-columns.js';
import { exportFormat, sendExport } from '../export/send-export.js';
import type { ExploreRow } from '../../lib/kpi/explore.js';
import { EXPLORE_GRANULARITIES, GROUP_BY } from '../../lib/kpi/explore.js';
import { exploreTable } from '../kpi/explore-table.js';
import { kpiFilterSchema } from '../../lib/kpi/kpi-filter.js';
import { localDatesToInstants } from '../queries/local-dates.js';
import { recordFilterSchema } from '../queries/record-filter.js';
import { rollupsInPeriod } from '../queries/rollups-query.js';
import { requireRole } from './authenticate.js';

const exploreQuerySchema = kpiFilterSchema.extend({
  from: recordFilterSchema.shape.from,
  to: recordFilterSchema.shape.to,
  granularity: z.enum(EXPLORE_GRANULARITIES).default('day'),
  groupBy: z.enum(GROUP_BY).optional(),
});

const rollupsQuerySchema = kpiFilterSchema.extend({
  from: recordFilterSchema.shape.from,
  to: recordFilterSchema.shape.to,
  granularity: z.enum(['minute', 'hour', 'day']),
});

async function exploreRows(
  req: Request,
  res: Response,
  db: RethinkdbClient,
  zone: string,
): Promise<{ rows: ExploreRow[]; groupBy: string | undefined } | undefined> {
  const { format: _format, ...query } = localDatesToInstants(req.query, zone);
  const parsed = exploreQuerySchema.safeParse(query, { error: valueFreeErrorMap });
  if (!parsed.success || parsed.data.from >= parsed.data.to) {
    const issues = parsed.success
      ? [{ path: 'to', message: 'must be after from' }]
      : toValidationIssues(parsed.error);
    res.status(400).json({ error: 'bad_request', message: formatIssues(issues), issues });
    return undefined;
  }
  const { from, to, granularity, groupBy, ...filter } = parsed.data;
  const rows = await exploreTable(db, { from, to, granularity, groupBy, filter }, zone);
  return { rows, groupBy };
}

/**
 * `/api/v1/kpis` (the explore table as JSON), `/api/v1/kpis/export` (the same as CSV or XLSX) and
 * `/api/v1/rollups` (the stored counters themselves, for tools of one's own).
 */
export function kpiRoutes({ db, zone }: { db: RethinkdbClient; zone: string }): Router {
  const router = Router();

  router.get('/kpis', async (req, res) => {
    const result = await exploreRows(req, res, db, zone);
    if (!result) return;
    res.json({ zone, rows: result.rows });
  });

  router.get('/rollups', async (req, res) => {
    const parsed = rollupsQuerySchema.safeParse(localDatesToInstants(req.query, zone), {
      error: valueFreeErrorMap,
    });
    if (!parsed.success) {
      const issues = toValidationIssues(parsed.error);
      res.status(400).json({ error: 'bad_request', message: formatIssues(issues), issues });
      return;
    }
    const { from, to, granularity, ...filter } = parsed.data;
    // A trip dimension in the filter means trip rollups only: event rollups have none of them.
    const tripOnly = Object.keys(filter).length > 0;
    const docs = (await rollupsInPeriod(db, granularity, from, to, filter)).filter(
      (doc) => !tripOnly || doc.kind === 'trip',
    );
    // `applied` is the processor's bookkeeping, not data.
    res.json({ rollups: docs.map(({ applied: _applied, ...doc }) => doc) });
  });

  router.get('/kpis/export', requireRole('analyst'), async (req, res) => {
    const format = exportFormat(req, res);
    if (!format) return;
    const result = await exploreRows(req, res, db, zone);
    if (!result) return;
    await sendExport(res, {
      format,
      basename: 'quoteflow-kpis',
      sheetName: 'KPIs',
      zone,
      columns: exploreColumns(result.rows, zone, result.groupBy),
      rows: result.rows,
    });
  });

  return router;
}
