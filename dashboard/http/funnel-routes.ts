import { Router } from 'express';
import r from 'rethinkdb';
import { z } from 'zod';
import { isTimestamp } from '../../lib/records/timestamp.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { formatIssues, toValidationIssues, valueFreeErrorMap } from '../../lib/validation/issues.js';
import { countFunnel } from '../funnel/funnel-count.js';
import { readFunnel } from '../funnel/funnel-reader.js';
import { readVisitorPath } from '../funnel/visitor-path.js';
import { localDatesToInstants } from '../queries/local-dates.js';

const instant = z
  .string()
  .max(64)
  .refine(isTimestamp, { message: 'must be a date (2026-06-25) or an ISO-8601 date-time' })
  .transform((value) => new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`).toISOString());
const dimension = z.string().trim().min(1).max(128);

const funnelQuery = z
  .strictObject({
    from: instant,
    to: instant,
    campaign: dimension.optional(),
    source: dimension.optional(),
    station: dimension.transform((s) => s.toUpperCase()).optional(),
    groupBy: z.enum(['campaign', 'source', 'station']).optional(),
  })
  .refine((q) => q.from < q.to, { message: 'must be after from', path: ['to'] });

/** Whether RethinkDB could hold `id` as a primary key (at most 127 bytes, no NUL character). */
const isPossibleKey = (id: string) => id !== '' && Buffer.byteLength(id) <= 127 && !id.includes('\u0000');

/**
 * `GET /api/v1/funnel`: visits → quotes → demands → bookings for a period (plain dates are days in
 * the KPI time zone), filtered by campaign, source, station and grouped by one of them.
 * `GET /api/v1/clusters/:id/visitors`: a demand's visitors and their events in time order.
 */
export function funnelRoutes({ db, zone }: { db: RethinkdbClient; zone: string }): Router {
  const router = Router();

  router.get('/funnel', async (req, res) => {
    const parsed = funnelQuery.safeParse(localDatesToInstants(req.query, zone), { error: valueFreeErrorMap });
    if (!parsed.success) {
      const issues = toValidationIssues(parsed.error);
      res.status(400).json({ error: 'bad_request', message: formatIssues(issues), issues });
      return;
    }
    const { from, to, groupBy, ...filter } = parsed.data;
    const counted = countFunnel(await readFunnel(db, { from, to }), filter, groupBy);
    res.json({ from, to, zone, groupBy: groupBy ?? null, ...counted });
  });

  router.get('/clusters/:id/visitors', async (req, res) => {
    const id = req.params.id;
    if (!isPossibleKey(id) || !(await db.run(r.db(db.db).table('clusters').get(id)))) {
      res.status(404).json({ error: 'not_found', message: 'no such demand' });
      return;
    }
    res.json(await readVisitorPath(db, id));
  });

  return router;
}
