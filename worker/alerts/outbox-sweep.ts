import type { AlertStore } from '../../lib/alerts/alert-store.js';
import type { Notice } from './apply-outcome.js';

/**
 * Queues every notification left in an alert's outbox for longer than `graceMs`: one whose worker
 * died between writing the alert and queuing its deliveries. The grace leaves the worker that
 * decided it time to queue it itself; queuing twice is harmless anyway, since a delivery's job id
 * is derived from the alert revision and the channel. `enqueue` queues and clears the entry.
 * Returns how many notices it queued.
 */
export async function sweepOutbox(options: {
  alerts: AlertStore;
  now: Date;
  graceMs: number;
  enqueue: (notice: Notice) => Promise<void>;
}): Promise<number> {
  let queued = 0;
  const before = options.now.getTime() - options.graceMs;
  for (const alert of await options.alerts.withOutbox()) {
    for (const entry of alert.outbox ?? []) {
      if (Date.parse(entry.at) > before) continue;
      await options.enqueue({ state: entry.state, alert: entry.alert });
      queued++;
    }
  }
  return queued;
}
