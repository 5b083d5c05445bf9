import type { Writable } from 'node:stream';
import { whenWritable } from './drained.js';
import type { ExportColumn, ExportValue } from './export-column.js';
import { wallClock } from './export-column.js';

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling inner quotes. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets a
 * leading apostrophe: a customer name must never become a formula on an analyst's machine.
 */
function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function cell(value: ExportValue, type: ExportColumn<unknown>['type'], zone: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return wallClock(value, zone);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return csvField(type === 'text' ? defuseFormula(value) : value);
}

/**
 * Streams rows as CSV (UTF-8 with a byte-order mark, so Excel reads accents right; CRLF line
 * ends). It waits for the destination to drain, so memory stays flat whatever the row count, and
 * rejects with EXPORT_ABORTED when the destination closes first (the loop over `rows` then ends,
 * which closes their cursor). Returns the number of rows written.
 */
export async function writeCsv<Row>(
  rows: AsyncIterable<Row>,
  columns: readonly ExportColumn<Row>[],
  out: Writable,
  zone: string,
): Promise<number> {
  const write = async (line: string) => {
    await whenWritable(out);
    out.write(line);
  };
  await write(`\uFEFF${columns.map((c) => csvField(c.header)).join(',')}\r\n`);
  let count = 0;
  for await (const row of rows) {
    await write(`${columns.map((c) => cell(c.value(row), c.type, zone)).join(',')}\r\n`);
    count++;
  }
  return count;
}
