/**
 * bench/live-snapshot: the cost of one live snapshot (what every Socket.IO room gets on each push)
 * now that the live state holds 15 days of hour rollups for the periods and their comparisons.
 *
 *   npx tsx bench/live-snapshot.ts [--combos 108] [--iterations 200]
 *
 * Pure and in memory (no service needed). Baseline in the same run: the same snapshot from a
 * state without hour rollups — what a push cost before periods existed. `--combos` is the number
 * of dimension combinations with activity every hour (6 sources × 6 stations × 3 car groups = 108).
 */
import { parseArgs } from 'node:util';
import type { RollupDoc } from '../lib/kpi/rollup-doc.js';
import type { LivePeriod } from '../dashboard/live/live-periods.js';
import { LiveState } from '../dashboard/live/live-state.js';

const { values } = parseArgs({
  options: { combos: { type: 'string', default: '108' }, iterations: { type: 'string', default: '200' } },
});
const combos = Number(values.combos);
const iterations = Number(values.iterations);
const ZONE = 'Europe/Rome';
const now = new Date();
const HOUR = 3_600_000;

function doc(granularity: RollupDoc['granularity'], start: number, combo: number): RollupDoc {
  const startIso = new Date(start).toISOString();
  return {
    id: `trip|${granularity}|${startIso}|${combo}`,
    kind: 'trip',
    granularity,
    start: startIso,
    source: `source${combo % 6}`,
    pickupStation: `S${Math.floor(combo / 6) % 6}`,
    carGroup: `G${combo % 3}`,
    channel: 'api',
    counts: { quotes: 3, demands: 2, bookings: 1, convertedDemands: 1, 'revenueCents:EUR': 40_000 },
    applied: { 'qf.quotes:0': 1 },
  };
}

function build(withHours: boolean): LiveState {
  const state = new LiveState(ZONE, 180);
  const { minutesFrom, todayFrom, hoursFrom } = state.bounds(now);
  for (let combo = 0; combo < combos; combo++) {
    state.apply(doc('day', Date.parse(todayFrom), combo));
    for (let m = Date.parse(minutesFrom); m <= now.getTime(); m += 60_000)
      state.apply(doc('minute', m, combo));
    if (withHours)
      for (let h = Date.parse(hoursFrom); h <= now.getTime(); h += HOUR) state.apply(doc('hour', h, combo));
  }
  return state;
}

function time(state: LiveState, period: LivePeriod, filter: Record<string, string>): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) state.snapshot(filter, now, period);
  return Number(process.hrtime.bigint() - started) / 1e6 / iterations;
}

const before = build(false);
const after = build(true);
const baseline = time(before, 'today', {});
console.log(
  `live snapshot, ${combos} dimension combinations, ${iterations} iterations each (ms per snapshot)`,
);
console.log(`baseline (no hour rollups held): ${baseline.toFixed(2)} ms`);
for (const period of ['today', '24h', '7d'] as const) {
  for (const [name, filter] of [
    ['unfiltered', {}],
    ['station S1', { station: 'S1' }],
  ] as const) {
    const ms = time(after, period, filter);
    console.log(
      `${period.padEnd(5)} ${name.padEnd(10)}: ${ms.toFixed(2)} ms, ${(ms / baseline).toFixed(1)}× the baseline`,
    );
  }
}
