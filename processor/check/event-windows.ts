import { QuoteflowError } from '../../lib/errors.js';
import type { CanonicalEvent } from '../../lib/records/canonical.js';
import type { BucketClock } from '../core/kpi/buckets.js';
import { addEvent, visitorMarks } from '../core/kpi/event-contributions.js';
import { RollupDelta } from '../core/kpi/rollup-delta.js';
import { toEpochMs } from '../../lib/resolution/instant.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * A stored `receivedAt` may carry any offset up to ±18:59 (lib/records/timestamp.ts), so the instant
 * of an event is at most this long before the wall-clock time its text starts with.
 */
const MAX_OFFSET_MS = 19 * HOUR;
/** The longest bucket: a local day that gains an hour when summer time ends. */
const LONGEST_BUCKET_MS = 25 * HOUR;

/**
 * The expected visitors and event rollups of every bucket whose start is in [from, to) (ISO-8601
 * UTC; null: unbounded), final: no event still to come can add to them.
 */
export interface EventWindow {
  from: string | null;
  to: string | null;
  visitorIds: Set<string>;
  rollups: RollupDelta;
}

/**
 * Recomputes event rollups and unique visitors from events read in `receivedAt` index order, and
 * hands them out a window of buckets at a time, so only a few days of visitor marks are held
 * whatever the size of the table.
 *
 * The index orders the stored strings, not instants: timestamps may carry an offset or none (read
 * as UTC). Every valid one starts with `YYYY-MM-DDTHH:MM`, so in string order that prefix never
 * decreases, and the instant of any later event is at most MAX_OFFSET_MS before the current
 * prefix. Its buckets then start at most LONGEST_BUCKET_MS before that instant; everything before
 * the UTC midnight preceding both margins is final. `add` throws if the order ever breaks that
 * reasoning rather than report a false difference.
 */
export class EventWindows {
  private visitors = new Map<string, string>();
  private rollups = new RollupDelta();
  private wallMs = -Infinity;
  private boundary: string | null = null;

  constructor(private readonly clock: BucketClock) {}

  add(event: CanonicalEvent): void {
    const wall = Date.parse(`${event.receivedAt.slice(0, 16)}:00Z`);
    if (!(wall >= this.wallMs)) {
      throw new QuoteflowError(
        'CHECK_EVENT_ORDER',
        `events are not in receivedAt order at event ${event.id} (${event.receivedAt})`,
      );
    }
    this.wallMs = wall;
    const starts = this.clock.starts(toEpochMs(event.receivedAt, 'UTC', 'receivedAt'));
    const earliest = [starts.minute, starts.hour, starts.day].sort()[0] ?? starts.day;
    if (this.boundary !== null && earliest < this.boundary) {
      throw new QuoteflowError(
        'CHECK_EVENT_ORDER',
        `event ${event.id} (${event.receivedAt}) falls in a window already compared`,
      );
    }
    addEvent(this.rollups, this.clock, event);
    for (const mark of visitorMarks(this.clock, event)) this.visitors.set(mark.id, mark.start);
  }

  /** The end of the next window that is final, when the events added so far have moved it on. */
  due(): string | undefined {
    const limit = this.wallMs - MAX_OFFSET_MS - LONGEST_BUCKET_MS;
    if (!Number.isFinite(limit)) return undefined;
    const to = new Date(Math.floor(limit / DAY) * DAY).toISOString();
    return this.boundary === null || to > this.boundary ? to : undefined;
  }

  /**
   * Removes and returns the window from the previous boundary to `to`; without `to`, everything
   * left (call it after the last event).
   */
  take(to?: string): EventWindow {
    const window: EventWindow = {
      from: this.boundary,
      to: to ?? null,
      visitorIds: new Set(),
      rollups: new RollupDelta(),
    };
    for (const [id, start] of this.visitors) {
      if (to !== undefined && start >= to) continue;
      window.visitorIds.add(id);
      this.visitors.delete(id);
    }
    for (const [id, entry] of this.rollups.entries) {
      if (to !== undefined && entry.key.start >= to) continue;
      window.rollups.entries.set(id, entry);
      this.rollups.entries.delete(id);
    }
    if (to !== undefined) this.boundary = to;
    return window;
  }
}
