import type { CanonicalEvent } from '../../../lib/records/canonical.js';
import { toEpochMs } from '../../../lib/resolution/instant.js';
import type { BucketClock } from './buckets.js';
import { GRANULARITIES } from './buckets.js';
import type { RollupDelta } from './rollup-delta.js';

/** The visitor an event counts for: its userId, else its anonymousId; null when it has neither. */
export function visitorOf(event: CanonicalEvent): string | null {
  return event.userId ?? event.anonymousId ?? null;
}

/** An event counts once (deduplicated by id) per bucket by project, type and name, at receivedAt. */
export function addEvent(delta: RollupDelta, clock: BucketClock, event: CanonicalEvent): void {
  const starts = clock.starts(toEpochMs(event.receivedAt, 'UTC', 'receivedAt'));
  for (const granularity of GRANULARITIES) {
    delta.add(
      {
        kind: 'event',
        granularity,
        start: starts[granularity],
        project: event.project,
        type: event.type,
        name: event.name,
      },
      { events: 1 },
    );
  }
}

export interface VisitorMark {
  id: string;
  granularity: string;
  start: string;
  project: string;
  visitor: string;
}

/**
 * Unique visitors are kept as one document per visitor, bucket and project (written idempotently);
 * the count of a bucket is the number of its documents, so it is exact without a counter that two
 * processors could both increment.
 */
export function visitorMarks(clock: BucketClock, event: CanonicalEvent): VisitorMark[] {
  const visitor = visitorOf(event);
  if (visitor === null) return [];
  const starts = clock.starts(toEpochMs(event.receivedAt, 'UTC', 'receivedAt'));
  return GRANULARITIES.map((granularity) => ({
    id: [granularity, starts[granularity], event.project, visitor]
      .map((p) => encodeURIComponent(p))
      .join('|'),
    granularity,
    start: starts[granularity],
    project: event.project,
    visitor,
  }));
}
