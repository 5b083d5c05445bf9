import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DeadLetters } from '../spool/dead-letters.js';
import { DEAD_LETTER_FILE } from '../spool/dead-letters.js';
import { Spool } from '../spool/spool.js';
import type { RecordSender } from './record-sender.js';
import { SpoolDrainer } from './spool-drainer.js';

export interface OrphanSpoolOptions {
  dir: string;
  sender: RecordSender;
  /** The live spool's: this directory may be removed once replayed, its dead letters must stay. */
  deadLetters: DeadLetters;
  logger: Logger;
  maxRecords: number;
  maxBytes: number;
  /** Delete the directory once it is replayed (a `worker-<n>` directory no process writes). */
  removeWhenDrained: boolean;
  onReplayed?: (records: number) => void;
  onDeadLettered?: (records: number) => void;
}

/**
 * Replays a spool that no process writes any more (left when the number of collector workers
 * changed) into Kafka with the same drainer as a live spool: in order, a segment deleted only once
 * Kafka acknowledged all of it. Nothing is appended to it.
 */
export class OrphanSpool {
  private constructor(
    private readonly spool: Spool,
    private readonly drainer: SpoolDrainer,
  ) {}

  static async start(options: OrphanSpoolOptions): Promise<OrphanSpool> {
    const { dir, logger } = options;
    const spool = await Spool.open({
      dir,
      // Never appended to: the budget only matters to appends.
      maxBytes: Number.MAX_SAFE_INTEGER,
      segmentBytes: Number.MAX_SAFE_INTEGER,
      logger,
    });
    const stats = spool.stats();
    if (stats.records > 0) logger.info({ dir, ...stats }, 'replaying a spool left by another worker layout');
    let drained: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      drained = resolve;
    });
    const drainer = new SpoolDrainer({
      spool,
      sender: options.sender,
      deadLetters: options.deadLetters,
      logger,
      maxRecords: options.maxRecords,
      maxBytes: options.maxBytes,
      onDrained: drained,
      ...(options.onReplayed ? { onReplayed: options.onReplayed } : {}),
      ...(options.onDeadLettered ? { onDeadLettered: options.onDeadLettered } : {}),
    });
    const orphan = new OrphanSpool(spool, drainer);
    drainer.start();
    void done.then(async () => {
      await orphan.stop();
      if (!options.removeWhenDrained) return;
      // Dead letters kept while this directory was a live worker's: they wait for an operator's
      // replay (quoteflow collector replay-dead-letters, which reads every worker-<n>), so the
      // directory stays, emptied of its segments.
      if (await hasDeadLetters(dir)) {
        logger.warn(
          { dir },
          'replayed a spool left by another worker layout; kept its directory for its dead letters',
        );
        return;
      }
      try {
        await rm(dir, { recursive: true, force: true });
        logger.info({ dir }, 'replayed and removed a spool left by another worker layout');
      } catch (error) {
        logger.warn({ dir, err: error }, 'could not remove a replayed spool directory');
      }
    });
    return orphan;
  }

  /** The permanent error that keeps this spool from draining, if any. */
  get stuck(): Error | undefined {
    return this.drainer.stuck;
  }

  /** Stops replaying (what is left stays on disk for the next start) and closes the spool. */
  async stop(): Promise<void> {
    await this.drainer.stop();
    await this.spool.close();
  }
}

async function hasDeadLetters(dir: string): Promise<boolean> {
  return access(join(dir, DEAD_LETTER_FILE)).then(
    () => true,
    () => false,
  );
}
