import { expect } from 'chai';
import { toDlqRecord } from '../../../dashboard/pipeline/dlq-mirror.js';

describe('toDlqRecord', () => {
  const base = { partition: 0, offset: '4', timestamp: String(Date.UTC(2026, 5, 25, 20, 14)), key: null };

  it('should pick the reason and origin of a connector entry', () => {
    const value = { source: 'rentalcars', table: 'quotes', key: '19', reason: 'quotedAt: required' };
    expect(
      toDlqRecord({ ...base, key: Buffer.from('k'), value: Buffer.from(JSON.stringify(value)) }),
    ).to.deep.equal({
      partition: 0,
      offset: '4',
      at: '2026-06-25T20:14:00.000Z',
      key: 'k',
      reason: 'quotedAt: required',
      origin: 'rentalcars',
      value,
    });
  });

  it('should keep text that is not JSON, cut at 10 kB', () => {
    expect(toDlqRecord({ ...base, value: Buffer.from('oops') }).value).to.equal('oops');
    const long = toDlqRecord({ ...base, value: Buffer.from('x'.repeat(20_000)) });
    expect(long.value).to.have.length(10_000);
    expect(long.reason).to.equal(null);
  });
});
