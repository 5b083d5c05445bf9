import type { Request, Response } from 'express';
import { Router } from 'express';
import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { formatIssues } from '../../lib/validation/issues.js';
import { recordColumns } from '../export/record-columns.js';
import { exportFormat, sendExport } from '../export/send-export.js';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RecordFilter } from '../queries/record-filter.js';
import { MAX_OFFSET, parseRecordFilter } from '../queries/record-filter.js';
import type { RecordKind } from '../queries/record-kinds.js';
import { isRecordKind } from '../queries/record-kinds.js';
import { localDatesToInstants } from '../queries/local-dates.js';
import { recordsInPeriod } from '../queries/records-query.js';
import { requireRole } from './authenticate.js';
import type { BookingUpsert, QuoteUpsert } from '../../lib/records/canonical.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { bookingRule, demandPairs } from '../queries/demand-explanation.js';
import { localDate } from '../kpi/zoned-time.js';

export interface RecordsRoutesOptions {
  db: RethinkdbClient;
  /** The processor's resolution rules, to explain a demand with the code that formed it. */
  rules: ResolutionRules;
  /** Exports show times as this zone's wall clock (the KPI time zone). */
  zone: string;
}

/** Reads kind and filters from the request, or answers 400/404 naming what is wrong. */
function parseRequest(
  req: Request,
  res: Response,
  zone: string,
): { kind: RecordKind; filter: RecordFilter } | undefined {
  const kind = String(req.params.kind);
  if (!isRecordKind(kind)) {
    res.status(404).json({ error: 'not_found', message: 'kind: must be quotes, bookings or events' });
    return undefined;
  }
  const { format: _format, ...query } = localDatesToInstants(req.query, zone);
  const parsed = parseRecordFilter(query);
  if (!parsed.ok) {
    res
      .status(400)
      .json({ error: 'bad_request', message: formatIssues(parsed.issues), issues: parsed.issues });
    return undefined;
  }
  return { kind, filter: parsed.filter };
}

/** The most a page's `total` counts; past it the answer says `totalCapped` ("100,000+"). */
export const TOTAL_CAP = 100_000;

/** Whether RethinkDB could hold `id` as a primary key (at most 127 bytes, no NUL character). */
function isPossibleKey(id: string): boolean {
  return id !== '' && Buffer.byteLength(id) <= 127 && !id.includes('\u0000');
}

/** `/api/v1/records/:kind` (pages of records) and `/api/v1/export/:kind?format=csv|xlsx` (whole periods). */
export function recordsRoutes({ db, zone, rules }: RecordsRoutesOptions): Router {
  const router = Router();

  router.get('/records/:kind', async (req, res) => {
    const request = parseRequest(req, res, zone);
    if (!request) return;
    const { filter } = request;
    // The page and the period's total in one round trip: the total is what "1–50 of 1,833" shows.
    const [items, total] = (await db.run(
      r.expr([
        recordsInPeriod(db.db, request.kind, filter)
          .skip(filter.offset)
          .limit(filter.limit + 1)
          .coerceTo('array'),
        // Counted up to a cap: like the offset cap, so that no page makes the store count millions.
        recordsInPeriod(db.db, request.kind, filter)
          .limit(TOTAL_CAP + 1)
          .count(),
      ]),
    )) as [Record<string, unknown>[], number];
    const more = items.length > filter.limit;
    const next = filter.offset + filter.limit;
    res.json({
      items: more ? items.slice(0, filter.limit) : items,
      offset: filter.offset,
      limit: filter.limit,
      total: Math.min(total, TOTAL_CAP),
      totalCapped: total > TOTAL_CAP,
      // Past MAX_OFFSET there are more rows than pages: `capped` says so (narrow the period or export).
      nextOffset: more && next <= MAX_OFFSET ? next : null,
      capped: more && next > MAX_OFFSET,
    });
  });

  router.get('/export/:kind', requireRole('analyst'), async (req, res) => {
    const format = exportFormat(req, res);
    if (!format) return;
    const request = parseRequest(req, res, zone);
    if (!request) return;
    const { kind, filter } = request;
    const cursor = await db.run(recordsInPeriod(db.db, kind, filter));
    await sendExport(res, {
      format,
      // The period's dates in the KPI zone, as the analyst chose them (not the UTC instants').
      basename: `quoteflow-${kind}-${localDate(new Date(filter.from), zone)}-${localDate(new Date(filter.to), zone)}`,
      sheetName: kind,
      zone,
      columns: recordColumns(kind, zone),
      rows: cursorRows<Record<string, unknown>>(cursor),
    });
  });

  router.get('/clusters/:id', async (req, res) => {
    const id = req.params.id;
    // RethinkDB refuses (with an error) a primary key over 127 bytes or holding NUL: no record has one.
    if (!isPossibleKey(id)) {
      res.status(404).json({ error: 'not_found', message: 'no such demand' });
      return;
    }
    const cluster = await db.run(r.db(db.db).table('clusters').get(id));
    if (!cluster) {
      res.status(404).json({ error: 'not_found', message: 'no such demand' });
      return;
    }
    const quotes = (await db.run(
      r
        .db(db.db)
        .table('quotes')
        .getAll(id, { index: 'clusterId' })
        .orderBy('quotedAt', 'id')
        .coerceTo('array'),
    )) as QuoteUpsert[];
    const bookings = (await db.run(
      r
        .db(db.db)
        .table('bookings')
        .getAll(id, { index: 'clusterId' })
        .orderBy('bookedAt', 'id')
        .coerceTo('array'),
    )) as (BookingUpsert & { quoteId?: string | null })[];
    res.json({
      cluster,
      quotes,
      bookings: bookings.map((booking) => ({ ...booking, matchedBy: bookingRule(booking, quotes) })),
      pairs: demandPairs(quotes, rules),
    });
  });

  return router;
}
