import type { Logger } from 'pino';
import { backoffDelay } from '../../lib/backoff.js';
import { isPermanent } from '../../lib/errors.js';
import { isRecordRefusal } from '../../lib/kafka/kafka-errors.js';
import { isAbort, retry } from '../../lib/retry.js';
import type { DeadLetters } from '../spool/dead-letters.js';
import type { SpoolRecord } from '../spool/frame.js';
import type { Spool } from '../spool/spool.js';
import type { RecordSender } from './record-sender.js';

export interface SpoolDrainerOptions {
  spool: Spool;
  sender: RecordSender;
  /** Where a record Kafka refuses for good goes (KAFKA_RECORD_REFUSED). */
  deadLetters: DeadLetters;
  logger: Logger;
  /** Records per produce request. */
  maxRecords: number;
  /** About this many bytes per produce request. */
  maxBytes: number;
  /** Called when the spool is empty and nothing is being appended: direct sends may resume. */
  onDrained: () => void;
  /** Called with the number of records Kafka acknowledged from the spool. */
  onReplayed?: (records: number) => void;
  /** Called with the number of records set aside in the dead-letter file. */
  onDeadLettered?: (records: number) => void;
}

/**
 * Replays the spool into Kafka in append order, one chunk at a time: a chunk is acknowledged to
 * the spool (which deletes a segment once all of it is) only after every record of it is in Kafka
 * or in the dead-letter file. A failed send is retried with backoff, except when Kafka refuses
 * records for good (KAFKA_RECORD_REFUSED, e.g. a record over message.max.bytes): the chunk is then
 * split in halves until the refused records stand alone, and those go to the dead-letter file, so
 * one bad record neither blocks the spool nor is lost. Other permanent refusals (authorisation)
 * concern every record: they are retried, and `stuck` says so until a send succeeds. It sleeps
 * while the spool is empty and `wake` rouses it.
 */
export class SpoolDrainer {
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private wakeUp: (() => void) | undefined;
  private stuckOn: Error | undefined;

  constructor(private readonly options: SpoolDrainerOptions) {}

  /** The permanent error every send fails with now, if any: an operator must act. */
  get stuck(): Error | undefined {
    return this.stuckOn;
  }

  start(): void {
    this.running ??= this.loop().catch((error: unknown) => {
      if (isAbort(error)) return;
      this.options.logger.error({ err: error }, 'spool drainer stopped on an error');
    });
  }

  /** New records were appended. */
  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  /**
   * Stops after the produce request under way, waiting for it at most `graceMs`: a chunk whose
   * send is abandoned stays in the spool and is sent again by the next process.
   */
  async stop(graceMs = 3000): Promise<void> {
    this.abort.abort();
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running,
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async loop(): Promise<void> {
    const { spool, logger } = this.options;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      const chunk = await spool.read(this.options.maxRecords, this.options.maxBytes);
      if (!chunk) {
        if (spool.isDrained()) this.options.onDrained();
        await this.sleep(1000);
        continue;
      }
      let delivered: number;
      try {
        delivered = await this.deliver(chunk.records);
      } catch (error) {
        spool.release(chunk);
        if (this.stopping()) throw error;
        // The dead-letter file could not be written (a full disk, say): the chunk stays in the
        // spool, /readyz says stuck, and it is tried again (records already sent may go twice).
        this.stuckOn = error instanceof Error ? error : new Error(String(error));
        logger.error({ err: error, failures }, 'the spool drainer cannot move on; retrying');
        await this.sleep(backoffDelay(failures++, 1000, 30_000));
        continue;
      }
      failures = 0;
      this.stuckOn = undefined;
      await spool.acknowledge(chunk);
      if (delivered > 0) this.options.onReplayed?.(delivered);
      if (delivered < chunk.records.length) {
        this.options.onDeadLettered?.(chunk.records.length - delivered);
      }
    }
  }

  /** Read through a method: `stop` changes it while the loop awaits. */
  private stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** Sends `records` in order; returns how many Kafka took (the rest are dead letters). */
  private async deliver(records: readonly SpoolRecord[]): Promise<number> {
    const { sender, logger } = this.options;
    try {
      await retry(() => sender.send(records), {
        signal: this.abort.signal,
        backoff: { initialMs: 200, maxMs: 5000 },
        isRetriable: (error) => !isRecordRefusal(error) && !isAbort(error),
        onRetry: (error, attempt) => {
          if (isPermanent(error)) this.stuckOn = error as Error;
          const level = this.stuckOn !== undefined || (attempt & (attempt + 1)) === 0 ? 'warn' : 'debug';
          logger[level]({ attempt, err: error }, 'replaying the spool into Kafka failed; retrying');
        },
      });
      this.stuckOn = undefined;
      return records.length;
    } catch (error) {
      if (!isRecordRefusal(error)) throw error;
      const [only] = records;
      if (records.length === 1 && only) {
        await this.options.deadLetters.append(only, error);
        return 0;
      }
      // Which records Kafka refuses: halve until they stand alone (order kept).
      const half = Math.ceil(records.length / 2);
      return (await this.deliver(records.slice(0, half))) + (await this.deliver(records.slice(half)));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
