/**
 * A rollup document as the processor keeps it (table `rollups`): one per kind, granularity,
 * bucket start and dimension values, with integer counters and, per Kafka partition, the last
 * offset applied (`applied`), which orders two versions of one document.
 */
export interface RollupDoc {
  id: string;
  kind: 'trip' | 'event';
  granularity: 'minute' | 'hour' | 'day';
  /** Bucket start, ISO-8601 UTC. */
  start: string;
  source?: string;
  pickupStation?: string;
  carGroup?: string;
  channel?: string | null;
  project?: string;
  type?: string;
  name?: string;
  counts: Record<string, number>;
  applied: Record<string, number>;
}

/**
 * True when `incoming` is not older than `current`: no partition's applied offset went back.
 * Changefeed notifications and a state read can cross; this keeps the newest of the two.
 */
export function isNotOlder(incoming: RollupDoc, current: RollupDoc): boolean {
  return Object.entries(current.applied).every(
    ([guard, offset]) => (incoming.applied[guard] ?? -1) >= offset,
  );
}
