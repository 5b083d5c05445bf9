/** Where a counter lives: one rollup document per granularity, bucket and dimension values. */
export type RollupKey =
  | {
      kind: 'trip';
      granularity: string;
      start: string;
      source: string;
      pickupStation: string;
      carGroup: string;
      channel: string | null;
    }
  | { kind: 'event'; granularity: string; start: string; project: string; type: string; name: string };

export function rollupId(key: RollupKey): string {
  const parts =
    key.kind === 'trip'
      ? [key.kind, key.granularity, key.start, key.source, key.pickupStation, key.carGroup, key.channel ?? '']
      : [key.kind, key.granularity, key.start, key.project, key.type, key.name];
  return parts.map((part) => encodeURIComponent(part)).join('|');
}

export interface RollupEntry {
  key: RollupKey;
  counts: Map<string, number>;
}

/**
 * Counter changes per rollup document. Contributions are added with +1 (the new state) or -1 (the
 * old state retracted); entries that cancel out disappear, so an unchanged batch yields nothing.
 * Counters are integers (counts, milliseconds, cents), so sums stay exact in any order.
 */
export class RollupDelta {
  readonly entries = new Map<string, RollupEntry>();

  add(key: RollupKey, counts: Record<string, number>, sign: 1 | -1 = 1): void {
    const id = rollupId(key);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { key, counts: new Map() };
      this.entries.set(id, entry);
    }
    for (const [metric, value] of Object.entries(counts)) {
      if (value === 0) continue;
      const next = (entry.counts.get(metric) ?? 0) + sign * value;
      if (next === 0) entry.counts.delete(metric);
      else entry.counts.set(metric, next);
    }
    if (entry.counts.size === 0) this.entries.delete(id);
  }

  merge(other: RollupDelta): void {
    for (const entry of other.entries.values()) this.add(entry.key, Object.fromEntries(entry.counts));
  }

  /** `{ id: { metric: value } }`, sorted, for comparisons and tests. */
  toJSON(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const id of [...this.entries.keys()].sort()) {
      const entry = this.entries.get(id);
      if (entry) out[id] = Object.fromEntries([...entry.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return out;
  }
}
