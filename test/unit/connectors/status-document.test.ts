import { expect } from 'chai';
import { initialStatus } from '../../../connectors/source-status.js';
import { statusDocument } from '../../../connectors/status/status-document.js';

describe('statusDocument', () => {
  describe('when a source status is written', () => {
    it('should key it by component connector:<source> and copy its offsets', () => {
      const status = initialStatus('rentalcars', 'log', 'postgres');
      status.offsets.$log = { position: '0/10' };
      const document = statusDocument(status, new Date('2026-06-25T20:14:00Z'));
      status.offsets.$log = { position: '0/20' };
      expect(document).to.deep.include({
        id: 'connector:rentalcars',
        component: 'connector:rentalcars',
        source: 'rentalcars',
        mode: 'log',
        client: 'postgres',
        state: 'starting',
        phase: 'snapshot',
        offsets: { $log: { position: '0/10' } },
        updatedAt: '2026-06-25T20:14:00.000Z',
      });
    });
  });

  describe('when a streaming log source has delivered nothing for a while', () => {
    it("should show a rate and a lag of 0, not the last batch's", () => {
      const status = initialStatus('rentalcars', 'log', 'mysql');
      Object.assign(status, {
        state: 'running',
        phase: 'streaming',
        rowsPerSecond: 2000,
        lagSeconds: 0.4,
        updatedAt: '2026-06-25T20:14:00.000Z',
      });
      const soon = statusDocument(status, new Date('2026-06-25T20:14:05Z'));
      expect([soon.rowsPerSecond, soon.lagSeconds], 'within 10 s: the batch just delivered').to.deep.equal([
        2000, 0.4,
      ]);
      const later = statusDocument(status, new Date('2026-06-25T20:16:00Z'));
      expect([later.rowsPerSecond, later.lagSeconds]).to.deep.equal([0, 0]);

      status.state = 'failing';
      const failing = statusDocument(status, new Date('2026-06-25T20:16:00Z'));
      expect([failing.rowsPerSecond, failing.lagSeconds], 'a failing source keeps its lag').to.deep.equal([
        0, 0.4,
      ]);
    });
  });
});
