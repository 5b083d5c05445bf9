import type { AlertDoc } from '../../lib/alerts/alert.js';
import type { AlertsConfig } from '../../lib/config/worker-schema.js';
import { errorMessage } from '../../lib/errors.js';
import type { Sender } from './senders.js';
import { DeliveryError } from '../mail/delivery-error.js';

/** What `quoteflow alerts test` says of one config key: delivered, or why not. */
export interface ChannelVerdict {
  key: string;
  ok: boolean;
  message: string;
}

/** A resolved alert that says it is a test, so nobody acts on it. */
function testAlert(now: Date): AlertDoc {
  const at = now.toISOString();
  return {
    id: 'connectors:test-notification',
    check: 'connectors',
    subject: 'test-notification',
    state: 'resolved',
    summary: 'test notification from `quoteflow alerts test`: nothing is wrong',
    details: { test: true },
    value: null,
    since: at,
    evaluatedAt: at,
    firedAt: at,
    resolvedAt: at,
    notified: 'resolved',
    lastFireNotifiedAt: null,
    silencedUntil: null,
    silencedBy: null,
    revision: 0,
  };
}

/**
 * Sends one test notification through every configured channel, once (no retry), and names the
 * config key behind each failure: `worker.alerts.webhook.url` for a webhook that is unreachable or
 * refuses, `worker.alerts.email.to[i]` for a recipient the SMTP server refused (an unknown domain),
 * `worker.alerts.email.smtp` when the server cannot be reached or refuses the mail.
 */
export async function sendTestNotifications(
  senders: readonly Sender[],
  config: AlertsConfig,
  now: Date,
): Promise<ChannelVerdict[]> {
  if (senders.length === 0) {
    return [
      {
        key: 'worker.alerts',
        ok: false,
        message: 'no channel configured: set worker.alerts.webhook.url or worker.alerts.email.to',
      },
    ];
  }
  const verdicts: ChannelVerdict[] = [];
  for (const sender of senders) {
    const base = sender.channel === 'webhook' ? 'worker.alerts.webhook.url' : 'worker.alerts.email';
    try {
      await sender.send({ state: 'resolved', alert: testAlert(now) });
      verdicts.push({ key: base, ok: true, message: 'delivered' });
    } catch (error) {
      const refused = error instanceof DeliveryError ? error.rejected : [];
      if (sender.channel === 'email' && refused.length > 0) {
        for (const address of refused) {
          const index = config.email.to.findIndex((to) => to.toLowerCase() === address.toLowerCase());
          verdicts.push({
            key: index === -1 ? 'worker.alerts.email.to' : `worker.alerts.email.to[${index}]`,
            ok: false,
            message: `the SMTP server refused this recipient (unknown domain or mailbox?)`,
          });
        }
      } else {
        verdicts.push({
          key: sender.channel === 'email' ? `${base}.smtp` : base,
          ok: false,
          message: errorMessage(error),
        });
      }
    }
  }
  return verdicts;
}
