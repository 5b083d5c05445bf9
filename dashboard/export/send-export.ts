import type { Request, Response } from 'express';
import { QuoteflowError } from '../../lib/errors.js';
import type { ExportFormat } from '../../lib/export/export-file.js';
import { writeCsv } from '../../lib/export/csv-writer.js';
import { EXPORT_ABORTED } from '../../lib/export/drained.js';
import type { ExportColumn } from '../../lib/export/export-column.js';
import { writeXlsx } from '../../lib/export/xlsx-writer.js';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The `format` query parameter (csv by default), or undefined after answering 400. */
export function exportFormat(req: Request, res: Response): ExportFormat | undefined {
  const format = req.query.format ?? 'csv';
  if (format === 'csv' || format === 'xlsx') return format;
  res.status(400).json({ error: 'bad_request', message: 'format: must be csv or xlsx' });
  return undefined;
}

async function* streamOf<Row>(rows: AsyncIterable<Row> | readonly Row[]): AsyncIterable<Row> {
  yield* rows;
}

/**
 * Streams rows as a downloadable CSV or XLSX file named `<basename>.<format>`. A client that goes
 * away mid-download ends it: the writers reject with EXPORT_ABORTED, the loop over the rows ends
 * (a cursor behind them is closed), and there is nobody left to answer.
 */
export async function sendExport<Row>(
  res: Response,
  options: {
    format: ExportFormat;
    basename: string;
    sheetName: string;
    zone: string;
    columns: readonly ExportColumn<Row>[];
    rows: AsyncIterable<Row> | readonly Row[];
  },
): Promise<void> {
  const { format, zone, columns } = options;
  res.attachment(`${options.basename}.${format}`);
  res.type(CONTENT_TYPES[format]);
  const rows = streamOf(options.rows);
  try {
    if (format === 'csv') await writeCsv(rows, columns, res, zone);
    else await writeXlsx(rows, columns, res, { sheetName: options.sheetName, zone });
  } catch (error) {
    if (error instanceof QuoteflowError && error.code === EXPORT_ABORTED) return;
    throw error;
  }
  res.end();
}
