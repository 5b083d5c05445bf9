import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { writeCsv } from './csv-writer.js';
import type { ExportColumn } from './export-column.js';
import { writeXlsx } from './xlsx-writer.js';

/** The spreadsheet formats exports come in. */
export type ExportFormat = 'csv' | 'xlsx';

/**
 * Writes rows as a CSV or XLSX file with the same writers as a download, into `<path>.part`
 * first and renamed into `path` once whole, so nobody ever reads (mails, downloads) half a file;
 * a run that fails or dies leaves at most a `.part`, which the next attempt overwrites. Returns
 * the number of rows written.
 */
export async function writeExportFile<Row>(
  path: string,
  options: {
    format: ExportFormat;
    sheetName: string;
    zone: string;
    columns: readonly ExportColumn<Row>[];
    rows: AsyncIterable<Row>;
  },
): Promise<number> {
  const partial = `${path}.part`;
  const out = createWriteStream(partial);
  try {
    const count =
      options.format === 'csv'
        ? await writeCsv(options.rows, options.columns, out, options.zone)
        : await writeXlsx(options.rows, options.columns, out, {
            sheetName: options.sheetName,
            zone: options.zone,
          });
    out.end();
    await finished(out);
    await rename(partial, path);
    return count;
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/** Rows held in memory (a report's explore table) as the stream the writers take. */
export async function* rowsOf<Row>(rows: readonly Row[] | AsyncIterable<Row>): AsyncIterable<Row> {
  yield* rows;
}
