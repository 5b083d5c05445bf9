import { expect } from 'chai';
import { LogicalReplicationService } from 'pg-logical-replication';
import { assertQueueInternals, libraryQueueEmpty } from '../../../connectors/log/pg-replication-queue.js';

describe('pg-logical-replication queue internals', () => {
  const service = () =>
    new LogicalReplicationService(
      { host: '127.0.0.1', database: 'none' },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );

  describe('with the pinned version', () => {
    it('should still have the fields the heartbeat reads, empty before a stream starts', () => {
      const fresh = service();
      expect(() => {
        assertQueueInternals(fresh);
      }).not.to.throw();
      expect(libraryQueueEmpty(fresh)).to.equal(true);
    });
  });

  describe('when an upgrade renamed the fields', () => {
    it('should refuse to start, loudly, naming the reason', () => {
      const renamed = Object.assign(service(), { _messageQueue: undefined, _processing: undefined });
      expect(() => {
        assertQueueInternals(renamed);
      }).to.throw(/no longer has the _messageQueue\/_processing fields/);
    });
  });
});
