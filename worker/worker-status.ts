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
  lastFailure: string | null;
  lastFailureAt: string | null;
  startedAt: string;
  updatedAt: string;
}
