import type { Logger } from 'pino';
import type { RejectedEvent } from '../events/build-event.js';
import type { SpoolRecord } from '../spool/frame.js';
import { withDeadline } from './deadline.js';

/** Where a rejected event came from, for its entry in qf.dlq. */
export interface RejectionOrigin {
  project: string;
  route: string;
  receivedAt: string;
}

/** The longest client value kept in a qf.dlq entry; longer ones are cut (and say so). */
const MAX_VALUE_CHARS = 64 * 1024;

/** What the collector puts in qf.dlq for an event it refused: the reason first, then the event as sent. */
export function dlqRecord(rejected: RejectedEvent, origin: RejectionOrigin): SpoolRecord {
  // undefined for an input JSON cannot hold (none comes from a parsed body, but the type allows it).
  const text = (JSON.stringify(rejected.input) as string | undefined) ?? 'null';
  const entry = {
    reason: rejected.issues.map((issue) => `${issue.field || 'event'}: ${issue.message}`).join('; '),
    source: 'collector',
    project: origin.project,
    route: origin.route,
    index: rejected.index,
    receivedAt: origin.receivedAt,
    truncated: text.length > MAX_VALUE_CHARS,
    value: text.slice(0, MAX_VALUE_CHARS),
  };
  return { key: origin.project, value: Buffer.from(JSON.stringify(entry)) };
}

/**
 * Puts the events a request could not deliver (invalid ones, while their valid neighbours were
 * accepted) in qf.dlq, so that a client that never reads the answer (`navigator.sendBeacon`) still
 * leaves a trace an operator can see: the pipeline view's dead letters, `rejectedEvents` in the
 * collector's pipeline row and `quoteflow_collector_events_total{outcome="rejected"}`.
 *
 * Best effort, bounded by the produce deadline, and never in the way of the answer (the caller does
 * not wait: with Kafka away, every request holding a bad call would otherwise wait out the
 * deadline): the client was told which events were refused, so nothing acknowledged depends on
 * it. A failure is counted (`dlq_total{outcome="failed"}`) and logged without the events (they may
 * hold personal data), at most once a minute.
 */
export class RejectedEvents {
  private count = 0;
  private unloggedFailures = 0;
  private lastLogAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: {
      /** Sends to a topic with acks=all; absent: the entries are only counted and logged. */
      send?: (records: readonly SpoolRecord[]) => Promise<void>;
      deadlineMs: number;
      logger: Logger;
      observe: (outcome: 'sent' | 'failed', records: number) => void;
    },
  ) {}

  /** Events rejected since the process started (the pipeline view). */
  get total(): number {
    return this.count;
  }

  /** Counts the events and sends their entries; never rejects. */
  async reject(rejected: readonly RejectedEvent[], origin: RejectionOrigin): Promise<void> {
    if (rejected.length === 0) return;
    this.count += rejected.length;
    const { send, deadlineMs, logger, observe } = this.options;
    if (!send) {
      observe('failed', rejected.length);
      return;
    }
    try {
      await withDeadline(send(rejected.map((r) => dlqRecord(r, origin))), deadlineMs);
      observe('sent', rejected.length);
    } catch (error) {
      observe('failed', rejected.length);
      this.unloggedFailures += rejected.length;
      const now = Date.now();
      if (now - this.lastLogAt < 60_000) return;
      logger.warn(
        { err: error, events: this.unloggedFailures, project: origin.project, route: origin.route },
        'rejected events could not be put in qf.dlq (their clients were told which ones were refused)',
      );
      this.lastLogAt = now;
      this.unloggedFailures = 0;
    }
  }
}
