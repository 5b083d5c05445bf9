import type { AlertDoc, CheckName } from '../../lib/alerts/alert.js';
import type { AlertStore } from '../../lib/alerts/alert-store.js';
import type { CheckOutcome, Observation } from '../checks/observation.js';
import { transition } from './alert-transition.js';

export interface Notice {
  alert: AlertDoc;
  state: 'firing' | 'resolved';
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
 * workers the notices returned here are decided once.
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
    if (!(await options.alerts.writeIfUnchanged(step.next))) {
      applied.lost += 1;
      continue;
    }
    await options.alerts.addEvents(step.events);
    if (step.events.some((event) => event.type === 'fired')) applied.fired += 1;
    if (step.events.some((event) => event.type === 'resolved')) applied.resolved += 1;
    if (step.notify !== null) applied.notices.push({ alert: step.next, state: step.notify });
  }
  return applied;
}
