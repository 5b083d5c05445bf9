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
});
