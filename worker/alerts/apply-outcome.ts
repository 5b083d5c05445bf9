import type { AlertDoc, CheckName } from '../../lib/alerts/alert.js';
import type { AlertStore } from '../../lib/alerts/alert-store.js';
import type { CheckOutcome, Observation } from '../checks/observation.js';
import { transition } from './alert-transition.js';

export interface Notice {
  /** The alert as it was when the notice was decided (without its outbox). */
  alert: AlertDoc;
  state: 'firing' | 'resolved';
}

/** The alert without its outbox: what a notification carries. */
export function withoutOutbox(alert: AlertDoc): AlertDoc {
  const { outbox: _outbox, ...rest } = alert;
  return rest;
}

/**
 * `next` with the notice it decided added to its outbox, so the state change and the duty to
 * notify are one write: a worker that dies before queuing the delivery leaves the entry for the
 * sweeper, and the notification is late, never lost.
 */
function withOutboxEntry(next: AlertDoc, state: Notice['state'], now: Date): AlertDoc {
  const entry = { state, revision: next.revision, at: now.toISOString(), alert: withoutOutbox(next) };
  return { ...next, outbox: [...(next.outbox ?? []), entry] };
}

export interface AppliedOutcome {
  fired: number;
  resolved: number;
  notices: Notice[];
  /** Alerts another worker wrote first (their evaluation stands). */
  lost: number;
}

/**
 * Folds one check run into the alerts: each observation through the state machine, and every
 * firing alert of the check whose subject the run no longer saw resolves (a source removed from
 * the config, a collector gone). Each write is conditional on the revision read, so with several
 * workers the notices returned here are decided once; each is also in its alert's outbox until
 * the caller has queued it (AlertStore.clearOutbox).
 */
export async function applyOutcome(
  check: CheckName,
  outcome: CheckOutcome,
  options: { alerts: AlertStore; now: Date; renotifyMs: number },
): Promise<AppliedOutcome> {
  const applied: AppliedOutcome = { fired: 0, resolved: 0, notices: [], lost: 0 };
  if (outcome.kind === 'skip') return applied;
  const existing = new Map((await options.alerts.ofCheck(check)).map((alert) => [alert.subject, alert]));
  const observations: Observation[] = [...outcome.observations];
  const seen = new Set(observations.map((observation) => observation.subject));
  for (const alert of existing.values()) {
    if (alert.state === 'firing' && !seen.has(alert.subject)) {
      observations.push({
        check,
        subject: alert.subject,
        firing: false,
        summary: `${alert.subject} is no longer reported by the ${check} check`,
        details: {},
        value: null,
      });
    }
  }
  for (const observation of observations) {
    const step = transition(existing.get(observation.subject), observation, options);
    const next = step.notify === null ? step.next : withOutboxEntry(step.next, step.notify, options.now);
    if (!(await options.alerts.writeIfUnchanged(next))) {
      applied.lost += 1;
      continue;
    }
    await options.alerts.addEvents(step.events);
    if (step.events.some((event) => event.type === 'fired')) applied.fired += 1;
    if (step.events.some((event) => event.type === 'resolved')) applied.resolved += 1;
    if (step.notify !== null) applied.notices.push({ alert: withoutOutbox(step.next), state: step.notify });
  }
  return applied;
}
