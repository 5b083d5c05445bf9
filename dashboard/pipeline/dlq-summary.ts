import type { DlqRecord } from './dlq-mirror.js';

export interface DlqSummary {
  /** Records held by this dashboard's mirror (the newest 1,000 of qf.dlq at most). */
  held: number;
  newestAt: string | null;
  /** Counts per reason, most frequent first (the first five). */
  reasons: { reason: string; count: number }[];
  /** Counts per origin (source or topic), most frequent first. */
  origins: { origin: string; count: number }[];
}

function top(values: string[], limit: number): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, limit)
    .map(([key, count]) => ({ key, count }));
}

/** What the DLQ card shows: how many, how recent, and why (pure). */
export function dlqSummary(records: DlqRecord[]): DlqSummary {
  return {
    held: records.length,
    newestAt:
      records
        .map((record) => record.at)
        .sort()
        .at(-1) ?? null,
    reasons: top(
      records.map((record) => record.reason ?? '(no reason given)'),
      5,
    ).map(({ key, count }) => ({ reason: key, count })),
    origins: top(
      records.map((record) => record.origin ?? '(unknown)'),
      10,
    ).map(({ key, count }) => ({ origin: key, count })),
  };
}
