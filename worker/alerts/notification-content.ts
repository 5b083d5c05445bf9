import type { AlertDoc } from '../../lib/alerts/alert.js';

/** What a notification says, for every channel. Pure: the senders only carry it. */
export interface NotificationContent {
  state: 'firing' | 'resolved';
  alert: AlertDoc;
}

export function headline({ state, alert }: NotificationContent): string {
  return `[${state === 'firing' ? 'FIRING' : 'RESOLVED'}] ${alert.check} ${alert.subject}: ${alert.summary}`;
}

/**
 * The webhook body. `json`: `{ event, alert, text }` with the whole alert document (check,
 * subject, summary, details, firedAt, resolvedAt…); `slack`: `{ text }`, what Slack and Mattermost
 * incoming webhooks take.
 */
export function webhookBody(content: NotificationContent, format: 'json' | 'slack'): Record<string, unknown> {
  const text = headline(content);
  if (format === 'slack') {
    const emoji = content.state === 'firing' ? ':red_circle:' : ':large_green_circle:';
    return { text: `${emoji} ${text}` };
  }
  const { revision: _revision, ...alert } = content.alert;
  return { source: 'quoteflow', event: content.state, text, alert };
}

export function emailMessage(content: NotificationContent): { subject: string; text: string } {
  const { alert } = content;
  const lines = [
    headline(content),
    '',
    `check:    ${alert.check}`,
    `subject:  ${alert.subject}`,
    `state:    ${alert.state}`,
    `fired:    ${alert.firedAt ?? '-'}`,
    `resolved: ${alert.resolvedAt ?? '-'}`,
    '',
    'details:',
    JSON.stringify(alert.details, null, 2),
    '',
    'The dashboard shows every alert and its history under Alerts.',
  ];
  return { subject: `Quoteflow ${headline(content)}`.slice(0, 200), text: lines.join('\n') };
}
