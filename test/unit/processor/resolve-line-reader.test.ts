import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import fc from 'fast-check';
import { splitLines, wholeLineChunks } from '../../../processor/resolve/line-reader.js';

describe('resolve line reader', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qf-lines-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function viaReadline(file: string): Promise<string[]> {
    const lines: string[] = [];
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      lines.push(line);
    }
    return lines;
  }

  async function viaChunks(file: string, chunkBytes: number): Promise<{ lines: string[]; chunks: number }> {
    const lines: string[] = [];
    let chunks = 0;
    for await (const chunk of wholeLineChunks(file, chunkBytes)) {
      chunks++;
      lines.push(...splitLines(chunk));
    }
    return { lines, chunks };
  }

  it('should yield the lines readline yields, with CR LF, lone CR, empty lines and UTF-8 across chunks', async () => {
    const file = join(dir, 'fixed.ndjson');
    await writeFile(file, '\uFEFF{"a":1}\r\n\r\n\nNiccolò Élodie\rlast\r\nno newline at the end');
    const expected = await viaReadline(file);
    for (const chunkBytes of [1, 2, 3, 5, 64 * 1024]) {
      expect((await viaChunks(file, chunkBytes)).lines, `chunks of ${chunkBytes}`).to.deep.equal(expected);
    }
  });

  it('should agree with readline on any text and chunk size', async () => {
    const file = join(dir, 'random.ndjson');
    const text = fc.array(fc.constantFrom('a', 'é', '€', '\r', '\n', '\r\n', ' '), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 1, max: 16 }), async (parts, chunkBytes) => {
        await writeFile(file, parts.join(''));
        expect((await viaChunks(file, chunkBytes)).lines).to.deep.equal(await viaReadline(file));
      }),
      { numRuns: 200 },
    );
  });

  it('should cut chunks only after a newline, however long the line', async () => {
    const file = join(dir, 'long.ndjson');
    await writeFile(file, `${'x'.repeat(100)}\n${'y'.repeat(40)}\n${'z'.repeat(5)}`);
    const chunks: string[] = [];
    for await (const chunk of wholeLineChunks(file, 16)) chunks.push(Buffer.from(chunk).toString());
    expect(chunks).to.deep.equal([`${'x'.repeat(100)}\n`, `${'y'.repeat(40)}\n`, 'zzzzz']);
  });
});
