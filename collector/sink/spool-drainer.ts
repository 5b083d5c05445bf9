import type { Logger } from 'pino';
import { backoffDelay } from '../../lib/backoff.js';
import { errorMessage } from '../../lib/errors.js';
import type { Spool } from '../spool/spool.js';
import type { RecordSender } from './record-sender.js';

export interface SpoolDrainerOptions {
  spool: Spool;
  sender: RecordSender;
  logger: Logger;
  /** Records per produce request. */
  maxRecords: number;
  /** About this many bytes per produce request. */
  maxBytes: number;
  /** Called when the spool is empty and nothing is being appended: direct sends may resume. */
  onDrained: () => void;
  /** Called with the number of records Kafka acknowledged from the spool. */
  onReplayed?: (records: number) => void;
}

/**
 * Replays the spool into Kafka in append order, one chunk at a time: a chunk is acknowledged to
 * the spool (which deletes a segment once all of it is) only after Kafka acknowledged it; a
 * failed send is retried with backoff. It sleeps while the spool is empty and `wake` rouses it.
 */
export class SpoolDrainer {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: SpoolDrainerOptions) {}

  start(): void {
    this.running ??= this.loop().catch((error: unknown) => {
      this.options.logger.error({ err: errorMessage(error) }, 'spool drainer stopped on an error');
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
    this.stopped = true;
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
    const { spool, sender, logger } = this.options;
    while (!this.stopped) {
      const chunk = await spool.read(this.options.maxRecords, this.options.maxBytes);
      if (!chunk) {
        if (spool.isDrained()) this.options.onDrained();
        await this.sleep(1000);
        continue;
      }
      for (let attempt = 0; ; attempt++) {
        try {
          await sender.send(chunk.records);
          break;
        } catch (error) {
          const level = (attempt & (attempt + 1)) === 0 ? 'warn' : 'debug';
          logger[level](
            { attempt, err: errorMessage(error) },
            'replaying the spool into Kafka failed; retrying',
          );
          await this.sleep(backoffDelay(attempt, 200, 5000));
          if (this.isStopped()) {
            spool.release(chunk);
            return;
          }
        }
      }
      await spool.acknowledge(chunk);
      this.options.onReplayed?.(chunk.records.length);
    }
  }

  /** Read through a method: `stop` changes it while the loop awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
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
