import type { SourceStatus } from '../source-status.js';
import type { LogOffset } from './log-offset.js';
import { LOG_OFFSET_KEY } from './log-offset.js';

/**
 * The batches of one replication stream, delivered one after the other in commit order (sent to
 * Kafka, the offset committed, the position confirmed to the server). After a failure, of a
 * delivery or reported with `fail`, nothing more is delivered: no later offset can be committed
 * over a batch that was lost, and the stream restarts from the last committed offset. Shared by
 * the Postgres and MySQL log readers.
 */
export class DeliveryChain {
  /** Rejects with the first failure; the reader races it against the stream and its stop signal. */
  readonly failed: Promise<never>;
  private rejectFailed: (error: Error) => void = () => undefined;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private broken = false;

  /** `onSettled` is told how many batches still wait each time one is done (backpressure). */
  constructor(private readonly onSettled: (waiting: number) => void = () => undefined) {
    this.failed = new Promise<never>((_resolve, reject) => {
      this.rejectFailed = reject;
    });
    // A failure after the reader stopped racing (a late delivery) must not go unhandled.
    this.failed.catch(() => undefined);
  }

  /** Batches enqueued and not yet done. */
  get waiting(): number {
    return this.queued;
  }

  get isBroken(): boolean {
    return this.broken;
  }

  fail(error: unknown): void {
    this.broken = true;
    this.rejectFailed(error instanceof Error ? error : new Error(String(error)));
  }

  /** Runs `deliver` once every batch enqueued before it is done; skipped after a failure. */
  enqueue(deliver: () => Promise<void>): Promise<void> {
    this.queued++;
    this.chain = this.chain
      .then(async () => {
        if (!this.broken) await deliver();
      })
      .catch((error: unknown) => {
        this.fail(error);
      })
      .finally(() => {
        this.queued--;
        this.onSettled(this.queued);
      });
    return this.chain;
  }

  /** Resolves once every batch enqueued so far is done (never rejects). */
  settled(): Promise<void> {
    return this.chain;
  }
}

/** The source's status after a streamed batch was delivered and its offset committed. */
export function recordDelivery(
  status: SourceStatus,
  delivery: { offset: LogOffset; rows: number; dlq: number; startedAt: number; committedAtMs: number },
): void {
  const now = Date.now();
  status.offsets[LOG_OFFSET_KEY] = delivery.offset;
  status.rowsTotal += delivery.rows;
  status.dlqTotal += delivery.dlq;
  status.rowsPerSecond = Math.round((delivery.rows * 1000) / Math.max(1, now - delivery.startedAt));
  status.lagSeconds = Math.max(0, (now - delivery.committedAtMs) / 1000);
  status.updatedAt = new Date(now).toISOString();
}
