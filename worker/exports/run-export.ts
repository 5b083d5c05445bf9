import { mkdir, stat } from 'node:fs/promises';
import type { ExportsConfig } from '../../lib/config/worker-schema.js';
import type { ExportProgress } from '../../lib/jobs/job-queues.js';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { writeExportFile } from '../../lib/export/export-file.js';
import { recordColumns } from '../../lib/export/record-columns.js';
import type { ExportDoc } from '../../dashboard/exports/export-doc.js';
import { exportFilePath } from '../../dashboard/exports/export-doc.js';
import type { ExportStore } from '../../dashboard/exports/export-store.js';
import { recordsInPeriod } from '../../dashboard/queries/records-query.js';

export interface RunExportOptions {
  db: RethinkdbClient;
  exports: ExportStore;
  config: ExportsConfig;
  zone: string;
  clock: () => Date;
  /** Reports progress (the job's progress, which the dashboard pushes to the browser). */
  progress: (progress: ExportProgress) => Promise<void>;
}

/** Counts rows as they pass and reports at most every `intervalMs` (the writer's pace sets the read's). */
async function* counted<Row>(
  rows: AsyncIterable<Row>,
  intervalMs: number,
  report: (count: number) => Promise<void>,
): AsyncIterable<Row> {
  let count = 0;
  let last = Date.now();
  for await (const row of rows) {
    yield row;
    count++;
    if (Date.now() - last >= intervalMs) {
      last = Date.now();
      await report(count);
    }
  }
}

/**
 * Runs one background export: counts the period's records (for the progress bar), streams them
 * from a RethinkDB cursor through the dashboard's CSV/XLSX writers into
 * `worker.exports.directory/<id>.<format>` (via a `.part` file, renamed once whole), and marks the
 * export done with its expiry. Safe to run again (a retry after a killed worker starts over and
 * overwrites the `.part`); an export already done is left as it is. Returns the final document.
 */
export async function runExport(
  exportId: string,
  attempt: number,
  options: RunExportOptions,
): Promise<ExportDoc | undefined> {
  const { db, exports, config, zone, clock } = options;
  const doc = await exports.get(exportId);
  if (!doc || doc.state === 'done' || doc.state === 'expired') return doc;
  await exports.update(exportId, {
    state: 'running',
    startedAt: clock().toISOString(),
    attempts: attempt,
    rows: 0,
    error: null,
  });
  const filter = { ...doc.filter, limit: 0, offset: 0 };
  const total = await db.run(recordsInPeriod(db.db, doc.kind, filter).count());
  await exports.update(exportId, { total });
  const report = async (rows: number) => {
    await options.progress({ exportId, owner: doc.owner, rows, total });
    await exports.update(exportId, { rows });
  };
  await report(0);
  await mkdir(config.directory, { recursive: true });
  const path = exportFilePath(config.directory, doc);
  const cursor = await db.run(recordsInPeriod(db.db, doc.kind, filter));
  const rows = await writeExportFile(path, {
    format: doc.format,
    sheetName: doc.kind,
    zone,
    columns: recordColumns(doc.kind, zone),
    rows: counted(cursorRows<Record<string, unknown>>(cursor), config.progressIntervalMs, report),
  });
  const finishedAt = clock();
  const done: Partial<ExportDoc> = {
    state: 'done',
    rows,
    total: Math.max(total, rows),
    bytes: (await stat(path)).size,
    finishedAt: finishedAt.toISOString(),
    expiresAt: new Date(finishedAt.getTime() + config.ttlHours * 3_600_000).toISOString(),
  };
  await exports.update(exportId, done);
  await options.progress({ exportId, owner: doc.owner, rows, total: Math.max(total, rows) });
  return { ...doc, ...done };
}
