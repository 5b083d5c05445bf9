import type { Logger } from 'pino';
import { QuoteflowError } from '../../lib/errors.js';
import type { DeadLetters } from '../spool/dead-letters.js';
import type { SpoolRecord } from '../spool/frame.js';
import type { Spool } from '../spool/spool.js';
import { withDeadline } from './deadline.js';
import type { RecordSender } from './record-sender.js';
import { SpoolDrainer } from './spool-drainer.js';

/** Where a write became durable. */
export type WriteOutcome = 'kafka' | 'spool';

export interface DurableSinkOptions {
  sender: RecordSender;
  spool: Spool;
  /** Where the drainer puts records Kafka refuses for good. */
  deadLetters: DeadLetters;
  logger: Logger;
  /** While a produce request is in flight, how long new writes wait to share the next one. */
  lingerMs: number;
  /** A produce request not acknowledged within this time is written to the spool instead. */
  deadlineMs: number;
  /** Most records in one produce request. */
  maxBatchRecords: number;
  /** Most bytes of record values in one produce request (one write is never split). */
  maxBatchBytes: number;
  /** Produce requests in flight at once (1 keeps strict order even across a Kafka failure). */
  maxInFlight: number;
  /** Told of every write's outcome, and of records replayed from the spool. */
  observe?: {
    written?: (outcome: WriteOutcome, records: number) => void;
    fallback?: (reason: 'deadline' | 'error') => void;
    replayed?: (records: number) => void;
    deadLettered?: (records: number) => void;
  };
}

interface PendingWrite {
  records: readonly SpoolRecord[];
  bytes: number;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Makes writes durable: `write` resolves once Kafka acknowledged the records (acks=all) or, when
 * Kafka fails or misses the deadline, once they are fsynced to the spool; it rejects (and nothing
 * of the write is kept) only when the spool refuses too, e.g. SPOOL_FULL.
 *
 * A write with no produce request in flight is sent at once (a lone pixel does not wait); while
 * requests are in flight, writes arriving within `lingerMs` share the next one (or go when one
 * completes), so batches grow with the load and not with a fixed delay. Up to `maxInFlight` requests
 * are in flight on the one broker connection per partition leader, which Kafka handles in order,
 * so writes reach Kafka in the order they were made while Kafka is healthy. (When a request fails
 * while later ones succeed, the failed request's events arrive later, from the spool: with
 * maxInFlight 1 the order holds even then.) Once a request fails, the sink
 * switches to the spool: every later write is appended there, behind the failed ones, and the
 * drainer replays them in order; the sink sends directly again only when the spool is empty.
 * A produce request that missed its deadline may still succeed later, so those records can
 * reach Kafka twice (once late, once from the spool): delivery is at least once, and events
 * carry ids for consumers to drop repeats.
 */
export class DurableSink {
  private mode: 'direct' | 'spool';
  private pending: PendingWrite[] = [];
  private pendingRecords = 0;
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly drainer: SpoolDrainer;

  constructor(private readonly options: DurableSinkOptions) {
    this.mode = options.spool.isDrained() ? 'direct' : 'spool';
    this.drainer = new SpoolDrainer({
      spool: options.spool,
      sender: options.sender,
      deadLetters: options.deadLetters,
      logger: options.logger,
      maxRecords: options.maxBatchRecords,
      maxBytes: options.maxBatchBytes,
      onDrained: () => {
        if (this.mode === 'spool') options.logger.info('spool drained; sending to Kafka directly again');
        this.mode = 'direct';
      },
      onReplayed: (records) => options.observe?.replayed?.(records),
      onDeadLettered: (records) => options.observe?.deadLettered?.(records),
    });
  }

  /** Whether new writes go straight to Kafka or to the spool. */
  get route(): 'direct' | 'spool' {
    return this.mode;
  }

  /** The permanent error that keeps the spool from draining, if any (see SpoolDrainer.stuck). */
  get stuck(): Error | undefined {
    return this.drainer.stuck;
  }

  start(): void {
    this.drainer.start();
  }

  write(records: readonly SpoolRecord[]): Promise<WriteOutcome> {
    if (this.closed)
      return Promise.reject(new QuoteflowError('SINK_CLOSED', 'shutting down', { retriable: true }));
    if (records.length === 0) return Promise.resolve('kafka');
    if (this.mode === 'spool' && this.pending.length === 0 && this.inFlight.size === 0) {
      return this.appendToSpool(records);
    }
    return new Promise<WriteOutcome>((resolve, reject) => {
      const bytes = recordBytes(records);
      this.pending.push({ records, bytes, resolve, reject });
      this.pendingRecords += records.length;
      this.pendingBytes += bytes;
      this.schedule();
    });
  }

  /** Sends or spools every write made so far, then stops the drainer (the spool keeps the rest). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0 || this.pending.length > 0) {
      this.flush();
      await Promise.race(this.inFlight);
    }
    await this.drainer.stop();
  }

  private schedule(): void {
    if (this.inFlight.size >= this.options.maxInFlight) return;
    if (
      this.pendingRecords >= this.options.maxBatchRecords ||
      this.pendingBytes >= this.options.maxBatchBytes ||
      this.options.lingerMs === 0 ||
      this.inFlight.size === 0
    ) {
      this.flush();
    } else {
      this.timer ??= setTimeout(() => {
        this.flush();
      }, this.options.lingerMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight.size >= this.options.maxInFlight || this.pending.length === 0) return;
    const batch: PendingWrite[] = [];
    let count = 0;
    let bytes = 0;
    for (let next = this.pending[0]; next !== undefined; next = this.pending[0]) {
      const fits =
        count + next.records.length <= this.options.maxBatchRecords &&
        bytes + next.bytes <= this.options.maxBatchBytes;
      if (batch.length > 0 && !fits) break;
      this.pending.shift();
      batch.push(next);
      count += next.records.length;
      bytes += next.bytes;
    }
    this.pendingRecords -= count;
    this.pendingBytes -= bytes;
    const delivery: Promise<void> = this.deliver(batch).finally(() => {
      this.inFlight.delete(delivery);
      // What waited behind a full pipeline has waited long enough.
      if (this.pending.length > 0) this.flush();
    });
    this.inFlight.add(delivery);
  }

  private async deliver(batch: PendingWrite[]): Promise<void> {
    const records = batch.flatMap((write) => write.records);
    if (this.mode === 'direct') {
      try {
        await withDeadline(this.options.sender.send(records), this.options.deadlineMs);
        this.options.observe?.written?.('kafka', records.length);
        for (const write of batch) write.resolve('kafka');
        return;
      } catch (error) {
        const reason =
          error instanceof QuoteflowError && error.code === 'DEADLINE_EXCEEDED' ? 'deadline' : 'error';
        this.options.observe?.fallback?.(reason);
        // Several requests may fail in a row; the switch is worth one line in the log.
        if (this.route === 'direct') {
          this.options.logger.warn({ reason, err: error }, 'Kafka did not take events; spooling');
        }
        this.mode = 'spool';
      }
    }
    try {
      await this.appendToSpool(records);
      for (const write of batch) write.resolve('spool');
    } catch (error) {
      for (const write of batch) write.reject(error);
    }
  }

  private async appendToSpool(records: readonly SpoolRecord[]): Promise<WriteOutcome> {
    await this.options.spool.append(records);
    this.options.observe?.written?.('spool', records.length);
    this.drainer.wake();
    return 'spool';
  }
}

function recordBytes(records: readonly SpoolRecord[]): number {
  let bytes = 0;
  for (const record of records) bytes += record.value.length + record.key.length;
  return bytes;
}
