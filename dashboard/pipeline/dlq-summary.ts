import type { DlqRecord } from './dlq-mirror.js';

export interface DlqSummary {
  /** Every record of qf.dlq this dashboard has read: all that Kafka keeps, once it has caught up. */
  total: number;
  /** Records held in memory for the list (the newest 1,000 at most). */
  held: number;
  newestAt: string | null;
  /** Counts per reason over every record read, most frequent first (the first five). */
  reasons: { reason: string; count: number }[];
  /** Counts per origin (source or topic) over every record read, most frequent first. */
  origins: { origin: string; count: number }[];
}

/**
 * Distinct reasons (or origins) counted one by one; past this many, new ones are counted together,
 * so a producer writing a different reason into every record cannot grow the dashboard's memory.
 */
export const MAX_DISTINCT = 10_000;
const OTHER = '(other reasons, past 10,000 distinct)';

/**
 * Counts of every qf.dlq record read (pure), kept beside the bounded list of the newest records so
 * that the DLQ card counts all of them, not only those still held.
 */
export class DlqTally {
  total = 0;
  newestAt: string | null = null;
  readonly reasons = new Map<string, number>();
  readonly origins = new Map<string, number>();

  add(record: DlqRecord): void {
    this.total += 1;
    if (record.at !== '' && (this.newestAt === null || record.at > this.newestAt)) this.newestAt = record.at;
    count(this.reasons, record.reason ?? '(no reason given)');
    count(this.origins, record.origin ?? '(unknown)');
  }
}

function count(counts: Map<string, number>, key: string): void {
  const at = counts.has(key) || counts.size < MAX_DISTINCT ? key : OTHER;
  counts.set(at, (counts.get(at) ?? 0) + 1);
}

function top(counts: Map<string, number>, limit: number): { key: string; count: number }[] {
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, limit)
    .map(([key, n]) => ({ key, count: n }));
}

/** What the DLQ card shows: how many, how recent, and why (pure). */
export function dlqSummary(tally: DlqTally, held: number): DlqSummary {
  return {
    total: tally.total,
    held,
    newestAt: tally.newestAt,
    reasons: top(tally.reasons, 5).map(({ key, count: n }) => ({ reason: key, count: n })),
    origins: top(tally.origins, 10).map(({ key, count: n }) => ({ origin: key, count: n })),
  };
}
