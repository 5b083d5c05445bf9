import type { RecordKind } from '../../lib/records/record-kinds.js';
import type { RecordFilter } from '../queries/record-filter.js';

/**
 * A background export (worker/README.md, "Background exports"): the records of a period made into
 * a file by the worker, with its progress, for its owner only. States: queued → running → done
 * (the file can be downloaded until `expiresAt`) → expired (the file deleted); or failed.
 */
export type ExportState = 'queued' | 'running' | 'done' | 'failed' | 'expired';

export interface ExportDoc {
  id: string;
  /** The user (lower-cased email) who asked for it: only they can see and download it. */
  owner: string;
  kind: RecordKind;
  format: 'csv' | 'xlsx';
  /** The period and filters, as the records API takes them (paging fields unused). */
  filter: Omit<RecordFilter, 'limit' | 'offset'>;
  state: ExportState;
  /** Rows written so far, and the rows the period held when the export started. */
  rows: number;
  total: number | null;
  /** The download's file name (the file is `<id>.<format>` in worker.exports.directory). */
  fileName: string;
  bytes: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When the file is deleted (set once done). */
  expiresAt: string | null;
  attempts: number;
  /** Why it failed, without secrets. */
  error: string | null;
}

/** Where the worker writes an export's file, and the dashboard reads it. */
export function exportFilePath(directory: string, doc: Pick<ExportDoc, 'id' | 'format'>): string {
  return `${directory.replace(/\/+$/, '')}/${doc.id}.${doc.format}`;
}
