/** Job counts of one worker process since it started, as the pipeline view shows them. */
export interface WorkerStatus {
  /** `worker:<host>:<pid>`. */
  id: string;
  component: 'worker';
  checksCompleted: number;
  checksFailed: number;
  notificationsDelivered: number;
  /** Failed delivery attempts (each is retried until worker.alerts.deliveryAttempts). */
  notificationsFailed: number;
  /** Report runs delivered, and failed attempts (each retried until worker.reports.attempts). */
  reportsDelivered: number;
  reportsFailed: number;
  /** Background exports done, and failed attempts. */
  exportsDone: number;
  exportsFailed: number;
  lastFailure: string | null;
  lastFailureAt: string | null;
  startedAt: string;
  updatedAt: string;
}
