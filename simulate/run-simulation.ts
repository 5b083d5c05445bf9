import type { Logger } from '../lib/logger.js';
import type { SimAction, SimEvent } from './actions.js';
import type { EventSender } from './event-sender.js';
import type { Simulation } from './generator.js';
import type { SourceWriter } from './source-writer.js';

export interface RunOptions {
  simulation: Simulation;
  writers: readonly SourceWriter[];
  /** Sends web events; without one, events are skipped (rows only). */
  events?: EventSender | undefined;
  /** New customer demands per second. */
  rate: number;
  /** Stop after this many demands (and their follow-ups); default: run until the signal aborts. */
  demands?: number | undefined;
  signal: AbortSignal;
  logger: Logger;
  clock?: () => Date;
  /** How often the loop wakes up, in milliseconds (default 250). */
  tickMs?: number;
}

export interface RunTotals {
  demands: number;
  rows: number;
  events: number;
}

/**
 * Drives a simulation in real time: starts `rate` demands a second and applies every action when its
 * time comes. A failed write is logged and the run goes on (a source database may be restarting);
 * the action is not retried, as a real broker system would simply have lost that change.
 */
export async function runSimulation(options: RunOptions): Promise<RunTotals> {
  const clock = options.clock ?? (() => new Date());
  const tickMs = options.tickMs ?? 250;
  const writers = new Map(options.writers.map((w) => [w.name, w]));
  const totals: RunTotals = { demands: 0, rows: 0, events: 0 };
  const started = clock().getTime();
  let lastReport = started;

  const finished = () =>
    options.demands !== undefined && totals.demands >= options.demands && options.simulation.backlog === 0;

  while (!options.signal.aborted && !finished()) {
    const now = clock();
    const owed = Math.floor(((now.getTime() - started) / 1000) * options.rate) + 1;
    const target = options.demands === undefined ? owed : Math.min(owed, options.demands);
    while (totals.demands < target) {
      options.simulation.demand(now);
      totals.demands++;
    }

    const actions = options.simulation.due(now);
    const events: SimEvent[] = [];
    for (const action of actions) {
      if (action.type === 'event') {
        events.push(action.event);
        continue;
      }
      await applyRow(writers, action, totals, options.logger);
    }
    if (events.length > 0 && options.events) {
      try {
        await options.events.send(events);
        totals.events += events.length;
      } catch (error) {
        options.logger.warn({ err: error }, 'sending events to the collector failed');
      }
    }

    if (now.getTime() - lastReport >= 10_000) {
      lastReport = now.getTime();
      options.logger.info({ ...totals, backlog: options.simulation.backlog }, 'simulating');
    }
    if (finished()) break;
    await sleep(tickMs, options.signal);
  }
  return totals;
}

async function applyRow(
  writers: Map<string, SourceWriter>,
  action: Exclude<SimAction, { type: 'event' }>,
  totals: RunTotals,
  logger: Logger,
): Promise<void> {
  const source =
    action.type === 'quote.insert'
      ? action.quote.source
      : action.type === 'booking.insert'
        ? action.booking.source
        : action.source;
  const writer = writers.get(source);
  if (!writer) return;
  try {
    if (await writer.apply(action)) totals.rows++;
  } catch (error) {
    logger.warn({ err: error, source, action: action.type }, 'writing to the source database failed');
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
