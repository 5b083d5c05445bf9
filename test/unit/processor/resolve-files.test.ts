import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { resolveFiles } from '../../../processor/resolve-files.js';
import { defaultRules } from '../../support/resolve-helper.js';
import { booking, quote, remove } from '../../support/trip-records.js';

describe('resolveFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qf-resolve-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(quotes: string[], bookings: string[], skipInvalid = false) {
    const paths = {
      quotes: join(dir, 'q.ndjson'),
      bookings: join(dir, 'b.ndjson'),
      out: join(dir, 'out.ndjson'),
    };
    await writeFile(paths.quotes, quotes.join('\n'));
    await writeFile(paths.bookings, bookings.join('\n'));
    const result = await resolveFiles({ ...paths, rules: defaultRules, skipInvalid });
    const out = (await readFile(paths.out, 'utf8')).trim();
    return { result, lines: out === '' ? [] : out.split('\n').map((line) => JSON.parse(line) as unknown) };
  }

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
      try {
        await run([JSON.stringify(quote('1')), bad], []);
        expect.fail('resolveFiles should have thrown');
      } catch (error) {
        expect((error as Error).message).to.match(
          /q\.ndjson line 2: quotedAt: must be an ISO-8601 date-time/,
        );
      }
    });
    it('should name a booking in the quotes file and a line that is not JSON', async () => {
      for (const [line, pattern] of [
        [JSON.stringify(booking('x')), /line 1: kind: must be "quote" here/],
        ['{nope', /line 1: is not valid JSON/],
      ] as const) {
        try {
          await run([line], []);
          expect.fail('resolveFiles should have thrown');
        } catch (error) {
          expect((error as Error).message).to.match(pattern);
        }
      }
    });
    it('should skip and count it when asked to', async () => {
      const { result, lines } = await run([bad, JSON.stringify(quote('1'))], ['{nope'], true);
      expect(result).to.deep.equal({ records: 1, skipped: 2, lines: 1 });
      expect(lines).to.have.length(1);
    });
  });
});
