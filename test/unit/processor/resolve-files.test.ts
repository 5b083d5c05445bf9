import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { resolveFiles } from '../../../processor/resolve-files.js';
import { defaultRules, resolve } from '../../support/resolve-helper.js';
import { generateWorkload } from '../../support/trip-workload.js';
import { booking, quote, remove } from '../../support/trip-records.js';

describe('resolveFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qf-resolve-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(
    quotes: string[],
    bookings: string[],
    options: { skipInvalid?: boolean; threads: number },
  ) {
    const paths = {
      quotes: join(dir, 'q.ndjson'),
      bookings: join(dir, 'b.ndjson'),
      out: join(dir, 'out.ndjson'),
    };
    await writeFile(paths.quotes, quotes.join('\n'));
    await writeFile(paths.bookings, bookings.join('\n'));
    const result = await resolveFiles({ ...paths, rules: defaultRules, ...options });
    const text = await readFile(paths.out, 'utf8');
    const out = text.trim();
    return {
      result,
      text,
      lines: out === '' ? [] : out.split('\n').map((line) => JSON.parse(line) as unknown),
    };
  }

  async function expectError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
    try {
      await promise;
      expect.fail('resolveFiles should have thrown');
    } catch (error) {
      expect((error as Error).message).to.match(pattern);
    }
  }

  for (const threads of [0, 2]) {
    describe(`with ${threads} worker threads`, () => {
      describe('when the files hold valid records', () => {
        it('should write one line per live record in the documented format', async () => {
          const { result, lines } = await run(
            [
              JSON.stringify(quote('2')),
              '',
              JSON.stringify(quote('1', { quotedAt: '2026-06-20T00:00:00Z' })),
              JSON.stringify(quote('3', { customer: null })),
            ],
            [
              JSON.stringify(booking('b')),
              JSON.stringify(booking('c', { customer: null })),
              JSON.stringify(booking('d')),
              JSON.stringify(remove('booking', 'rentalcars:d', 2)),
            ],
            { threads },
          );
          expect(result).to.deep.equal({ records: 7, skipped: 0, lines: 5 });
          expect(lines).to.deep.equal([
            { type: 'quote', id: 'rentalcars:1', clusterId: 'rentalcars:1' },
            { type: 'quote', id: 'rentalcars:2', clusterId: 'rentalcars:1' },
            { type: 'quote', id: 'rentalcars:3', clusterId: 'rentalcars:3' },
            { type: 'booking', id: 'rentalcars:b', quoteId: 'rentalcars:2', clusterId: 'rentalcars:1' },
            { type: 'booking', id: 'rentalcars:c', quoteId: null, clusterId: null },
          ]);
        });
      });

      describe('when a line is invalid', () => {
        const bad = JSON.stringify({ ...quote('9'), quotedAt: 'soon' });
        it('should stop with an error naming the file, line and field', async () => {
          await expectError(
            run([JSON.stringify(quote('1')), bad], [], { threads }),
            /q\.ndjson line 2: quotedAt: must be an ISO-8601 date-time/,
          );
        });
        it('should name a booking in the quotes file and a line that is not JSON', async () => {
          for (const [line, pattern] of [
            [JSON.stringify(booking('x')), /line 1: kind: must be "quote" here/],
            ['{nope', /line 1: is not valid JSON/],
          ] as const) {
            await expectError(run([line], [], { threads }), pattern);
          }
        });
        it('should skip and count it when asked to', async () => {
          const { result, lines } = await run([bad, JSON.stringify(quote('1'))], ['{nope'], {
            skipInvalid: true,
            threads,
          });
          expect(result).to.deep.equal({ records: 1, skipped: 2, lines: 1 });
          expect(lines).to.have.length(1);
        });
      });
    });
  }

  describe('over a workload of many chunks (updates, deletes, replays)', () => {
    // About 2.5 MB of quotes: ten chunks or so, several in flight per worker.
    const records = generateWorkload({ quotes: 5000, seed: 3 });
    const quoteLines = records.filter((r) => r.kind === 'quote').map((r) => JSON.stringify(r));
    const bookingLines = records.filter((r) => r.kind === 'booking').map((r) => JSON.stringify(r));
    const bad = JSON.stringify({ ...quote('bad'), pickup: null });

    it('should write the same bytes with and without worker threads, as resolving in memory', async () => {
      const single = await run(quoteLines, bookingLines, { threads: 0 });
      const pooled = await run(quoteLines, bookingLines, { threads: 2 });
      expect(pooled.text).to.equal(single.text);
      expect(pooled.result).to.deep.equal(single.result);
      expect(single.result.records).to.equal(records.length);
      expect(single.lines).to.deep.equal(resolve(records));
    });

    it('should report the first invalid line in file order from any chunk', async () => {
      const quotes = [...quoteLines];
      quotes.splice(4000, 0, bad);
      quotes.splice(1500, 0, '{"kind":"quote"');
      const bookings = ['{nope', ...bookingLines];
      await expectError(run(quotes, bookings, { threads: 2 }), /q\.ndjson line 1501: is not valid JSON$/);
      await expectError(run(quoteLines, bookings, { threads: 2 }), /b\.ndjson line 1: is not valid JSON$/);
    });

    it('should count the skipped lines and resolve the rest the same way', async () => {
      const quotes = [...quoteLines];
      for (const at of [4500, 3000, 10]) quotes.splice(at, 0, bad);
      const bookings = [...bookingLines, '{nope', ''];
      const single = await run(quotes, bookings, { threads: 0, skipInvalid: true });
      const pooled = await run(quotes, bookings, { threads: 2, skipInvalid: true });
      expect(single.result).to.deep.equal({
        records: records.length,
        skipped: 4,
        lines: single.lines.length,
      });
      expect(pooled.result).to.deep.equal(single.result);
      expect(pooled.text).to.equal(single.text);
    });
  });
});
