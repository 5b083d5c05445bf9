/**
 * Alerts (worker/README.md): one document per check and subject in table `alerts`, its history in
 * `alert_events`. The worker writes both; the dashboard reads them and lets an admin silence one.
 */

export const CHECK_NAMES = [
  'freshness',
  'volume',
  'duplicateRate',
  'conversion',
  'deadLetters',
  'processorLag',
  'collectorSpool',
  'connectors',
  'consistency',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** ok: never fired (or fine since the start); firing; resolved: fine again after firing. */
export type AlertState = 'ok' | 'firing' | 'resolved';

export interface AlertDoc {
  /** `<check>:<subject>`. */
  id: string;
  check: CheckName;
  subject: string;
  state: AlertState;
  /** One line an operator reads in a mail subject or a chat message. */
  summary: string;
  /** The figures behind the verdict (observed, expected, threshold…). */
  details: Record<string, unknown>;
  /** The measured value the next evaluation may compare with (dead letters: the topic's total). */
  value: number | null;
  /** When the current state began, ISO-8601 UTC. */
  since: string;
  evaluatedAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
  /** The last state a notification was decided for, and when the last firing one was. */
  notified: 'firing' | 'resolved' | null;
  lastFireNotifiedAt: string | null;
  /** No notification while now < silencedUntil; the state is still kept. */
  silencedUntil: string | null;
  silencedBy: string | null;
  /** Grows with every write: a write names the revision it read, so two workers never both win. */
  revision: number;
  /**
   * Notifications decided but not yet handed to the delivery queue (the outbox). Written in the
   * same conditional write as the state change that decided them, removed once queued; a sweeper
   * queues any entry left behind by a worker that died in between (worker/README.md).
   */
  outbox?: OutboxEntry[];
}

/** A decided notification waiting to be queued: the alert as it was when the notice was decided. */
export interface OutboxEntry {
  state: 'firing' | 'resolved';
  /** The alert revision that decided it: with the channel, the delivery job's id. */
  revision: number;
  /** When it was decided, ISO-8601 UTC. */
  at: string;
  alert: AlertDoc;
}

export type AlertEventType =
  | 'fired'
  | 'resolved'
  | 'notified'
  | 'notification_suppressed'
  | 'delivery_failed'
  | 'delivery_gave_up'
  | 'silenced'
  | 'unsilenced';

export interface AlertEvent {
  id?: string;
  alertId: string;
  check: CheckName;
  subject: string;
  type: AlertEventType;
  at: string;
  summary: string;
  /** Notifications: the channel (webhook, email) and the attempt; failures: a message without secrets. */
  channel?: string;
  attempt?: number;
  error?: string;
  by?: string;
}

export function alertId(check: CheckName, subject: string): string {
  return `${check}:${subject}`;
}

export function isCheckName(value: unknown): value is CheckName {
  return typeof value === 'string' && (CHECK_NAMES as readonly string[]).includes(value);
}
