import { expect } from 'chai';
import { backoffDelay } from '../../lib/backoff.js';

describe('backoffDelay', () => {
  it('should double the ceiling per attempt up to the cap', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 10, 100].map((attempt) => backoffDelay(attempt, 250, 10_000, top))).to.deep.equal([
      250, 500, 1000, 2000, 10_000, 10_000,
    ]);
  });

  it('should spread waits below the ceiling (full jitter)', () => {
    expect(backoffDelay(3, 250, 10_000, () => 0.5)).to.equal(1000);
    expect(backoffDelay(3, 250, 10_000, () => 0)).to.equal(0);
  });
});
