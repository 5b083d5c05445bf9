import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { writeCsv } from '../../../lib/export/csv-writer.js';
import type { ExportColumn } from '../../../lib/export/export-column.js';
import { wallClock } from '../../../lib/export/export-column.js';
import { writeXlsx } from '../../../lib/export/xlsx-writer.js';

interface Row {
  id: string;
  name: string;
  amount: number | null;
  at: Date | null;
}

const columns: ExportColumn<Row>[] = [
  { header: 'id', type: 'text', value: (r) => r.id },
  { header: 'name', type: 'text', value: (r) => r.name },
  { header: 'amount', type: 'number', value: (r) => r.amount },
  { header: 'at (Europe/Rome)', type: 'datetime', value: (r) => r.at },
];

async function* rowsOf(count: number): AsyncIterable<Row> {
  for (let i = 0; i < count; i++) {
    yield await Promise.resolve({
      id: `q:${i}`,
      name: `name ${i}`,
      amount: i + 0.5,
      at: new Date(Date.UTC(2026, 5, 25, 20, 14, i % 60)),
    });
  }
}

async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) {
    yield await Promise.resolve(item);
  }
}

/** A destination that accepts slowly, to prove the writer waits for 'drain'. */
function slowSink(): { sink: Writable; text: () => string; maxBuffered: () => number } {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const sink = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _enc, callback) {
      chunks.push(chunk.toString());
      maxBuffered = Math.max(maxBuffered, this.writableLength);
      setImmediate(callback);
    },
  });
  return { sink, text: () => chunks.join(''), maxBuffered: () => maxBuffered };
}

describe('wallClock', () => {
  it('should show an instant in the zone, across a DST change', () => {
    expect(wallClock(new Date('2026-06-25T20:14:00Z'), 'Europe/Rome')).to.equal('2026-06-25 22:14:00');
    expect(wallClock(new Date('2026-01-25T20:14:00Z'), 'Europe/Rome')).to.equal('2026-01-25 21:14:00');
    expect(wallClock(new Date('2026-06-25T00:00:00Z'), 'UTC')).to.equal('2026-06-25 00:00:00');
  });
});

describe('writeCsv', () => {
  describe('when values need care', () => {
    it('should quote, defuse formulas, keep numbers bare and show dates in the zone', async () => {
      const { sink, text } = slowSink();
      const count = await writeCsv(
        fromArray<Row>([
          { id: 'a:1', name: 'Rossi, "Mario"\nline 2', amount: 441.2, at: new Date('2026-06-25T20:14:00Z') },
          { id: 'a:2', name: '=HYPERLINK("http://evil")', amount: null, at: null },
          { id: 'a:3', name: '+39 347 1234567', amount: -3, at: new Date('2026-01-01T00:00:00Z') },
        ]),
        columns,
        sink,
        'Europe/Rome',
      );
      sink.end();
      await finished(sink);
      expect(count).to.equal(3);
      expect(text()).to.equal(
        '\uFEFFid,name,amount,at (Europe/Rome)\r\n' +
          'a:1,"Rossi, ""Mario""\nline 2",441.2,2026-06-25 22:14:00\r\n' +
          `a:2,"'=HYPERLINK(""http://evil"")",,\r\n` +
          "a:3,'+39 347 1234567,-3,2026-01-01 01:00:00\r\n",
      );
    });
  });

  describe('when the destination is slow', () => {
    it('should wait for it instead of buffering the whole export', async () => {
      const { sink, text, maxBuffered } = slowSink();
      const count = await writeCsv(rowsOf(2000), columns, sink, 'UTC');
      sink.end();
      await finished(sink);
      expect(count).to.equal(2000);
      expect(text().split('\r\n')).to.have.length(2002);
      expect(maxBuffered()).to.be.below(1024);
    });
  });
});

describe('writeXlsx', () => {
  it('should write real numbers and dates, and continue on a new sheet past the row limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qf-xlsx-'));
    const file = join(dir, 'quotes.xlsx');
    const out = createWriteStream(file);
    const count = await writeXlsx(rowsOf(12), columns, out, {
      sheetName: 'Quotes',
      zone: 'Europe/Rome',
      sheetRowLimit: 5,
    });
    await finished(out);
    expect(count).to.equal(12);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((s) => s.name)).to.deep.equal(['Quotes', 'Quotes (2)', 'Quotes (3)']);
    expect(workbook.worksheets.map((s) => s.rowCount)).to.deep.equal([5, 5, 5]);
    const ids = workbook.worksheets.flatMap((sheet) =>
      sheet
        .getSheetValues()
        .slice(2)
        .map((values) => (values as unknown[])[1]),
    );
    expect(ids).to.deep.equal(Array.from({ length: 12 }, (_, i) => `q:${i}`));

    const first = workbook.worksheets[0]!;
    expect(first.getRow(1).values).to.deep.equal([undefined, 'id', 'name', 'amount', 'at (Europe/Rome)']);
    const row = first.getRow(2);
    expect(row.getCell(3).value).to.equal(0.5);
    const at = row.getCell(4).value;
    expect(at).to.be.instanceOf(Date);
    // 20:14:00 UTC shown as Rome's wall clock, stored zone-less as Excel does.
    expect((at as Date).toISOString()).to.equal('2026-06-25T22:14:00.000Z');
    expect(row.getCell(4).numFmt).to.equal('yyyy-mm-dd hh:mm:ss');
  });
});
