import { randomUUID } from 'node:crypto';
import type { BenchRecord } from './bench-client.js';

/**
 * Records like the collector's events (DESIGN.md, "Event"): ~500 bytes of JSON keyed by the
 * visitor's anonymous id. `seq` is in the value so a reader can find a lost or doubled record.
 */
export function collectorEvent(seq: number, runId: string): BenchRecord {
  const anonymousId = `anon-${seq % 997}`;
  const value = JSON.stringify({
    kind: 'event',
    id: randomUUID(),
    seq,
    run: runId,
    type: 'track',
    name: 'Quote Requested',
    receivedAt: new Date(1_780_000_000_000 + seq).toISOString(),
    sentAt: new Date(1_780_000_000_000 + seq - 40).toISOString(),
    project: 'bench',
    anonymousId,
    userId: null,
    properties: {
      quoteRef: `Q${100_000 + seq}`,
      pickup: 'BGY',
      dropoff: 'MXP',
      carGroup: 'IDAR',
      price: 441.2,
    },
    context: {
      ip: '203.0.113.7',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
      referrer: 'https://www.example.com/search',
      page: 'https://rent.example.com/quote',
      campaign: { source: 'newsletter', medium: 'email' },
    },
  });
  return { key: anonymousId, value };
}

/** Consecutive records [from, from + count) cut in batches of `size`. */
export function batchesOf(from: number, count: number, size: number, runId: string): BenchRecord[][] {
  const batches: BenchRecord[][] = [];
  for (let start = from; start < from + count; start += size) {
    const end = Math.min(start + size, from + count);
    const batch: BenchRecord[] = [];
    for (let seq = start; seq < end; seq++) batch.push(collectorEvent(seq, runId));
    batches.push(batch);
  }
  return batches;
}

export function seqOf(value: string): number {
  return (JSON.parse(value) as { seq: number }).seq;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** CPU (user + system) of this whole process since `from`, in µs: librdkafka's threads included. */
export function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return used.user + used.system;
}
