import type { LogicalReplicationService } from 'pg-logical-replication';
import { QuoteflowError } from '../../lib/errors.js';

/**
 * pg-logical-replication 2.5.0 (pinned exactly in package.json) keeps the messages it received
 * but has not yet handed to us in private fields, and offers no public way to ask whether any are
 * waiting. The heartbeat must know: confirming a keepalive's position while changes are still
 * queued would skip them on a restart. Owning the flow control instead would mean replacing the
 * library's stream pause/resume, which is as private. So the two fields are read here, and only
 * here, and checked when a stream starts: should an upgrade rename them, the source fails at once
 * with this error (and `test/unit/connectors/pg-replication-queue.test.ts` fails) instead of the
 * slot silently never advancing on a quiet database while the WAL grows.
 */
interface QueueInternals {
  _messageQueue?: unknown;
  _processing?: unknown;
}

const internals = (service: LogicalReplicationService) => service as unknown as QueueInternals;

/** Throws PG_REPLICATION_INTERNALS when the library no longer has the fields read below. */
export function assertQueueInternals(service: LogicalReplicationService): void {
  const { _messageQueue, _processing } = internals(service);
  if (!Array.isArray(_messageQueue) || typeof _processing !== 'boolean') {
    throw new QuoteflowError(
      'PG_REPLICATION_INTERNALS',
      'pg-logical-replication no longer has the _messageQueue/_processing fields the heartbeat reads ' +
        '(see connectors/log/pg-replication-queue.ts): the slot could not advance on a quiet database',
    );
  }
}

/** True when the library holds no received message that it has not yet handed to us. */
export function libraryQueueEmpty(service: LogicalReplicationService): boolean {
  const { _messageQueue, _processing } = internals(service);
  return Array.isArray(_messageQueue) && _messageQueue.length === 0 && _processing === false;
}
