import { expect } from 'chai';
import { QuoteflowError } from '../../../lib/errors.js';
import { ParsePool } from '../../../processor/resolve/parse-pool.js';
import { defaultRules } from '../../support/resolve-helper.js';
import { quote } from '../../support/trip-records.js';

describe('ParsePool', () => {
  const chunk = (lines: string[]) => new TextEncoder().encode(lines.map((line) => `${line}\n`).join(''));

  it('should parse chunks on worker threads, each answer for its own chunk', async () => {
    const pool = new ParsePool(2, defaultRules);
    try {
      const batches = await Promise.all([
        pool.parse('quote', chunk([JSON.stringify(quote('1')), ''])),
        pool.parse('quote', chunk(['{nope', JSON.stringify(quote('2'))])),
        pool.parse('booking', chunk([JSON.stringify(quote('3'))])),
      ]);
      expect(batches.map((batch) => batch.changes.map((change) => change?.id ?? null))).to.deep.equal([
        ['rentalcars:1', null],
        [null, 'rentalcars:2'],
        [null],
      ]);
      expect(batches.map((batch) => [batch.lineCount, batch.invalid])).to.deep.equal([
        [2, []],
        [2, [{ index: 0, message: 'is not valid JSON' }]],
        [1, [{ index: 0, message: 'kind: must be "booking" here' }]],
      ]);
    } finally {
      await pool.close();
    }
  });

  it('should fail every chunk in flight and later with a clear error when a worker dies', async () => {
    const pool = new ParsePool(1, defaultRules);
    try {
      // Not a chunk: the worker throws, which ends it.
      const crashing = pool.parse('quote', null as unknown as Uint8Array);
      const queued = pool.parse('quote', chunk([JSON.stringify(quote('1'))]));
      for (const batch of [crashing, queued]) {
        const error: unknown = await batch.then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).to.be.instanceOf(QuoteflowError);
        expect((error as QuoteflowError).code).to.equal('RESOLVE_WORKER_FAILED');
        expect((error as Error).message).to.match(/^a parse worker failed: /);
      }
      const later: unknown = await pool.parse('quote', chunk([])).catch((reason: unknown) => reason);
      expect(later).to.be.instanceOf(QuoteflowError);
    } finally {
      await pool.close();
    }
  });
});
