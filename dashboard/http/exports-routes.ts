import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { Router } from 'express';
import type { Queue } from 'bullmq';
import type { ExportsConfig } from '../../lib/config/worker-schema.js';
import type { ExportJobData } from '../../lib/jobs/job-queues.js';
import { queueExport } from '../../lib/jobs/job-queues.js';
import { formatIssues } from '../../lib/validation/issues.js';
import type { ExportDoc } from '../exports/export-doc.js';
import { exportFilePath } from '../exports/export-doc.js';
import type { ExportStore } from '../exports/export-store.js';
import { localDate } from '../../lib/time/zoned-time.js';
import { localDatesToInstants } from '../queries/local-dates.js';
import { parseRecordFilter } from '../queries/record-filter.js';
import { isRecordKind } from '../../lib/records/record-kinds.js';
import { requireRole } from './authenticate.js';

export interface ExportsRoutesOptions {
  exports: ExportStore;
  queue: Queue<ExportJobData>;
  config: ExportsConfig;
  zone: string;
  clock?: () => Date;
}

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * /api/v1/exports: background exports of records (analysts). An export runs as a worker job; its
 * progress is pushed over Socket.IO (namespace `/exports`) and kept in its document; the file is
 * downloaded from here until it expires. A user sees only their own exports: anyone else's is
 * answered 404, as if it did not exist, admins included.
 */
export function exportsRoutes(options: ExportsRoutesOptions): Router {
  const { exports, queue, config, zone } = options;
  const clock = options.clock ?? (() => new Date());
  const router = Router();

  const own = async (req: Request, res: Response): Promise<ExportDoc | undefined> => {
    const doc = await exports.get(String(req.params.id));
    if (!doc || doc.owner !== req.user?.id) {
      res.status(404).json({ error: 'not_found', message: 'no such export' });
      return undefined;
    }
    return doc;
  };

  router.post('/exports', requireRole('analyst'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { kind, format = 'csv', limit: _limit, offset: _offset, ...query } = body;
    const issues = [];
    if (typeof kind !== 'string' || !isRecordKind(kind))
      issues.push({ path: 'kind', message: 'must be quotes, bookings, events or clusters' });
    if (format !== 'csv' && format !== 'xlsx')
      issues.push({ path: 'format', message: 'must be csv or xlsx' });
    const parsed = parseRecordFilter(localDatesToInstants(query, zone));
    if (!parsed.ok) issues.push(...parsed.issues);
    if (issues.length > 0 || !parsed.ok || typeof kind !== 'string' || !isRecordKind(kind) || !req.user) {
      res.status(400).json({ error: 'bad_request', message: formatIssues(issues), issues });
      return;
    }
    const active = (await exports.ofOwner(req.user.id, 50)).filter(
      (other) => other.state === 'queued' || other.state === 'running',
    );
    if (active.length >= config.maxActivePerUser) {
      res.status(429).json({
        error: 'too_many_exports',
        message: `at most ${config.maxActivePerUser} exports may run at once; wait for one to finish`,
      });
      return;
    }
    const { limit: _l, offset: _o, ...filter } = parsed.filter;
    const fileFormat = format === 'xlsx' ? 'xlsx' : 'csv';
    const doc: ExportDoc = {
      id: randomUUID(),
      owner: req.user.id,
      kind,
      format: fileFormat,
      filter,
      state: 'queued',
      rows: 0,
      total: null,
      fileName: `quoteflow-${kind}-${localDate(new Date(filter.from), zone)}-${localDate(new Date(filter.to), zone)}.${fileFormat}`,
      bytes: null,
      createdAt: clock().toISOString(),
      startedAt: null,
      finishedAt: null,
      expiresAt: null,
      attempts: 0,
      error: null,
    };
    await exports.insert(doc);
    await queueExport(queue, doc.id, { attempts: config.attempts, backoffMs: config.backoffMs });
    res.status(202).json({ export: doc });
  });

  router.get('/exports', requireRole('analyst'), async (req, res) => {
    res.json({ exports: await exports.ofOwner(req.user?.id ?? '', 50) });
  });

  router.get('/exports/:id', requireRole('analyst'), async (req, res) => {
    const doc = await own(req, res);
    if (doc) res.json({ export: doc });
  });

  router.get('/exports/:id/file', requireRole('analyst'), async (req, res) => {
    const doc = await own(req, res);
    if (!doc) return;
    if (doc.state === 'expired' || (doc.expiresAt !== null && doc.expiresAt <= clock().toISOString())) {
      res.status(410).json({ error: 'gone', message: 'this export expired and its file was deleted' });
      return;
    }
    if (doc.state !== 'done') {
      res.status(409).json({ error: 'not_ready', message: `the export is ${doc.state}` });
      return;
    }
    let file: FileHandle;
    try {
      file = await open(exportFilePath(config.directory, doc));
    } catch {
      // Deleted by the cleanup between its expiry and the document's update, or never on this volume.
      res.status(410).json({ error: 'gone', message: 'the export file is no longer there' });
      return;
    }
    res.attachment(doc.fileName);
    res.type(CONTENT_TYPES[doc.format]);
    if (doc.bytes !== null) res.setHeader('content-length', String(doc.bytes));
    await pipeline(file.createReadStream(), res);
  });

  return router;
}
