import type { AlertDoc, AlertEvent } from '../../lib/alerts/alert.js';
import { alertId } from '../../lib/alerts/alert.js';
import type { Observation } from '../checks/observation.js';

export interface TransitionOptions {
  now: Date;
  /** A firing notification is not repeated within this many milliseconds of the previous one. */
  renotifyMs: number;
}

export interface Transition {
  next: AlertDoc;
  /** The notification to send, if any. */
  notify: 'firing' | 'resolved' | null;
  events: AlertEvent[];
}

/**
 * The alert state machine, pure: ok → firing → resolved → firing…, one notification when an alert
 * fires and one when it resolves. Rules:
 *
 * - fires: notified unless silenced or a firing notification went out less than `renotifyMs` ago
 *   (a flapping check); a suppressed one is notified at a later run if it still fires once the
 *   interval has passed;
 * - resolves: notified when its firing was notified (and it is not silenced), so every firing
 *   message is followed by one resolved message;
 * - still firing or still fine: no notification.
 */
export function transition(
  previous: AlertDoc | undefined,
  observation: Observation,
  options: TransitionOptions,
): Transition {
  const now = options.now.toISOString();
  const nowMs = options.now.getTime();
  const id = alertId(observation.check, observation.subject);
  const base: AlertDoc = previous ?? {
    id,
    check: observation.check,
    subject: observation.subject,
    state: 'ok',
    summary: observation.summary,
    details: {},
    value: null,
    since: now,
    evaluatedAt: now,
    firedAt: null,
    resolvedAt: null,
    notified: null,
    lastFireNotifiedAt: null,
    silencedUntil: null,
    silencedBy: null,
    revision: 0,
  };
  const silenced = base.silencedUntil !== null && Date.parse(base.silencedUntil) > nowMs;
  const wasFiring = base.state === 'firing';
  const next: AlertDoc = {
    ...base,
    summary: observation.summary,
    details: observation.details,
    value: observation.value,
    evaluatedAt: now,
    revision: base.revision + 1,
  };
  const events: AlertEvent[] = [];
  const event = (type: AlertEvent['type'], summary = observation.summary): AlertEvent => ({
    alertId: id,
    check: observation.check,
    subject: observation.subject,
    type,
    at: now,
    summary,
  });
  let notify: Transition['notify'] = null;

  if (observation.firing) {
    if (!wasFiring) {
      next.state = 'firing';
      next.since = now;
      next.firedAt = now;
      next.resolvedAt = null;
      events.push(event('fired'));
    }
    if (next.notified !== 'firing') {
      const last = next.lastFireNotifiedAt === null ? -Infinity : Date.parse(next.lastFireNotifiedAt);
      const recent = nowMs - last < options.renotifyMs;
      if (silenced || recent) {
        if (!wasFiring)
          events.push(
            event(
              'notification_suppressed',
              silenced ? 'silenced' : 'fired again within the renotify interval',
            ),
          );
      } else {
        notify = 'firing';
        next.notified = 'firing';
        next.lastFireNotifiedAt = now;
      }
    }
  } else if (wasFiring) {
    next.state = 'resolved';
    next.since = now;
    next.resolvedAt = now;
    events.push(event('resolved'));
    if (next.notified === 'firing') {
      if (silenced) {
        events.push(event('notification_suppressed', 'silenced'));
      } else {
        notify = 'resolved';
      }
      // Either way the firing notification is answered: a later firing is a new episode.
      next.notified = 'resolved';
    }
  }
  return { next, notify, events };
}
