import type { Request, Response } from 'express';
import { Router } from 'express';
import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { formatIssues } from '../../lib/validation/issues.js';
import { recordColumns } from '../../lib/export/record-columns.js';
import { exportFormat, sendExport } from '../export/send-export.js';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { ValidationIssue } from '../../lib/validation/issues.js';
import { listingScope, parseRecordFilter, parseRecordPage } from '../queries/record-filter.js';
import type { RecordKind } from '../../lib/records/record-kinds.js';
import { isRecordKind, RECORD_KINDS } from '../../lib/records/record-kinds.js';
import { localDatesToInstants } from '../queries/local-dates.js';
import { recordsInPeriod, recordsPageQuery } from '../queries/records-query.js';
import type { PageCursor } from '../queries/page-cursor.js';
import { createPageCursors } from '../queries/page-cursor.js';
import { keysetPage } from '../queries/keyset-page.js';
import { requireRole } from './authenticate.js';
import type { BookingUpsert, QuoteUpsert } from '../../lib/records/canonical.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { bookingRule, demandPairs } from '../queries/demand-explanation.js';
import { localDate } from '../../lib/time/zoned-time.js';

export interface RecordsRoutesOptions {
  db: RethinkdbClient;
  /** The processor's resolution rules, to explain a demand with the code that formed it. */
  rules: ResolutionRules;
  /** Exports show times as this zone's wall clock (the KPI time zone). */
  zone: string;
  /** Signs records page tokens (the session secret: shared by every instance). */
  pageSecret: string;
}

/** Reads the kind from the path, or answers 404. */
function parseKind(req: Request, res: Response): RecordKind | undefined {
  const kind = String(req.params.kind);
  if (isRecordKind(kind)) return kind;
  res.status(404).json({ error: 'not_found', message: 'kind: must be quotes, bookings or events' });
  return undefined;
}

/** Parses the query (dates read in `zone`) with `parse`, or answers 400 naming every bad parameter. */
function parseQuery<F>(
  req: Request,
  res: Response,
  zone: string,
  parse: (
    query: Record<string, unknown>,
  ) => { ok: true; filter: F } | { ok: false; issues: ValidationIssue[] },
): F | undefined {
  const { format: _format, ...query } = localDatesToInstants(req.query, zone);
  const parsed = parse(query);
  if (parsed.ok) return parsed.filter;
  badRequest(res, parsed.issues);
  return undefined;
}

function badRequest(res: Response, issues: ValidationIssue[]): void {
  res.status(400).json({ error: 'bad_request', message: formatIssues(issues), issues });
}

/** The most a page's `total` counts; past it the answer says `totalCapped` ("100,000+"). */
export const TOTAL_CAP = 100_000;

/** Whether RethinkDB could hold `id` as a primary key (at most 127 bytes, no NUL character). */
function isPossibleKey(id: string): boolean {
  return id !== '' && Buffer.byteLength(id) <= 127 && !id.includes('\u0000');
}

/** `/api/v1/records/:kind` (pages of records) and `/api/v1/export/:kind?format=csv|xlsx` (whole periods). */
export function recordsRoutes({ db, zone, rules, pageSecret }: RecordsRoutesOptions): Router {
  const router = Router();
  const cursors = createPageCursors(pageSecret);

  router.get('/records/:kind', async (req, res) => {
    const kind = parseKind(req, res);
    if (!kind) return;
    const request = parseQuery(req, res, zone, parseRecordPage);
    if (!request) return;
    const { limit, cursor: token, ...filter } = request;
    const scope = listingScope(kind, filter);
    let cursor: PageCursor | undefined;
    if (token !== undefined) {
      const decoded = cursors.decode(token, scope);
      if (!decoded.ok) {
        badRequest(res, [{ path: 'cursor', message: decoded.message }]);
        return;
      }
      cursor = decoded.cursor;
    }
    // The page and the period's total in one round trip: the total is what "1–50 of 1,833" shows.
    const [read, total] = (await db.run(
      r.expr([
        recordsPageQuery(db.db, kind, filter, limit, cursor).coerceTo('array'),
        // Counted up to a cap, so that no page makes the store count millions.
        recordsInPeriod(db.db, kind, filter)
          .limit(TOTAL_CAP + 1)
          .count(),
      ]),
    )) as [Record<string, unknown>[], number];
    const time = RECORD_KINDS[kind].time;
    const page = keysetPage(read, limit, cursor, (row) => ({ time: String(row[time]), id: String(row.id) }));
    res.json({
      items: page.items,
      start: page.start,
      limit,
      total: Math.min(total, TOTAL_CAP),
      totalCapped: total > TOTAL_CAP,
      next: page.next && cursors.encode(page.next, scope),
      previous: page.previous && cursors.encode(page.previous, scope),
    });
  });

  router.get('/export/:kind', requireRole('analyst'), async (req, res) => {
    const format = exportFormat(req, res);
    if (!format) return;
    const kind = parseKind(req, res);
    if (!kind) return;
    const filter = parseQuery(req, res, zone, parseRecordFilter);
    if (!filter) return;
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
