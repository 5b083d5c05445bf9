import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { whenWritable } from './drained.js';
import type { ExportColumn } from './export-column.js';
import { wallClockAsUtcDate } from './export-column.js';

/** Excel's rows per sheet, header included. */
export const EXCEL_MAX_ROWS = 1_048_576;

export interface XlsxOptions {
  sheetName: string;
  /** Zone whose wall clock the dates show. */
  zone: string;
  /** Rows per sheet, header included; past it the export goes on in a new sheet. */
  sheetRowLimit?: number;
}

/**
 * Streams rows into an XLSX workbook (exceljs' streaming writer: rows are committed as they come,
 * so memory stays flat). Never truncated: past Excel's row limit the rows go on in `Name (2)`,
 * `Name (3)`… with the header repeated. Dates are real dates, numbers real numbers. exceljs
 * writes into `out` without waiting, so each row waits until `out` can take more (the rows are
 * read no faster than the client takes them), and a closed `out` rejects with EXPORT_ABORTED
 * (the loop over `rows` ends, which closes their cursor). Returns the number of rows written.
 */
export async function writeXlsx<Row>(
  rows: AsyncIterable<Row>,
  columns: readonly ExportColumn<Row>[],
  out: Writable,
  options: XlsxOptions,
): Promise<number> {
  const limit = options.sheetRowLimit ?? EXCEL_MAX_ROWS;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  let sheetNumber = 0;
  const openSheet = () => {
    sheetNumber++;
    const sheet = workbook.addWorksheet(
      sheetNumber === 1 ? options.sheetName : `${options.sheetName} (${sheetNumber})`,
      {
        views: [{ state: 'frozen', ySplit: 1 }],
      },
    );
    sheet.columns = columns.map((column) => ({
      header: column.header,
      width: column.type === 'datetime' ? 20 : Math.max(10, Math.min(40, column.header.length + 2)),
      style: column.type === 'datetime' ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    return sheet;
  };

  let sheet = openSheet();
  let rowsInSheet = 1;
  let count = 0;
  for await (const row of rows) {
    await whenWritable(out);
    if (rowsInSheet >= limit) {
      sheet.commit();
      sheet = openSheet();
      rowsInSheet = 1;
    }
    const values = columns.map((column) => {
      const value = column.value(row);
      if (value === undefined || value === null) return null;
      if (value instanceof Date) return wallClockAsUtcDate(value, options.zone);
      if (typeof value === 'number') return Number.isFinite(value) ? value : null;
      return value;
    });
    sheet.addRow(values).commit();
    rowsInSheet++;
    count++;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}
