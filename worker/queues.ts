import type { CheckName } from '../lib/alerts/alert.js';
import type { AlertDoc } from '../lib/alerts/alert.js';
import type { Channel } from './alerts/senders.js';

/** BullMQ queue names, under the `worker.queuePrefix` Redis key prefix. */
export const CHECKS_QUEUE = 'checks';
export const NOTIFICATIONS_QUEUE = 'notifications';
/** Housekeeping on a schedule: the alert outbox sweep, expired export files, report schedules. */
export const MAINTENANCE_QUEUE = 'maintenance';

export type MaintenanceJobName = 'outbox-sweep' | 'exports-cleanup' | 'reports-sync';

export interface MaintenanceJobData {
  task: MaintenanceJobName;
}

/** A scheduled check; its job scheduler id is `check:<name>`. */
export interface CheckJobData {
  check: CheckName;
}

/** One notification for one channel (a job each, so a failing webhook does not hold back mail). */
export interface NotificationJobData {
  channel: Channel;
  state: 'firing' | 'resolved';
  alert: AlertDoc;
}

export function schedulerId(check: CheckName): string {
  return `check:${check}`;
}
