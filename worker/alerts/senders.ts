import { DeliveryError } from '../mail/delivery-error.js';
import { sendSmtp, smtpTransport } from '../mail/smtp-mail.js';
import type { AlertsConfig } from '../../lib/config/worker-schema.js';
import type { NotificationContent } from './notification-content.js';
import { emailMessage, webhookBody } from './notification-content.js';

export type Channel = 'webhook' | 'email';

export interface Sender {
  channel: Channel;
  send(content: NotificationContent): Promise<void>;
  close(): void;
}

/** POSTs the notification; 2xx is delivered, 408/429/5xx and network errors are retried, other 4xx are not. */
export function webhookSender(config: AlertsConfig['webhook']): Sender {
  const host = new URL(config.url).host;
  return {
    channel: 'webhook',
    async send(content) {
      let response: Response;
      try {
        response = await fetch(config.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(webhookBody(content, config.format)),
          signal: AbortSignal.timeout(config.timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        const code = (cause as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : 'error');
        throw new DeliveryError('WEBHOOK_UNREACHABLE', `webhook at ${host} unreachable (${code})`, {
          retriable: true,
        });
      }
      await response.body?.cancel();
      if (response.ok) return;
      const retriable = response.status >= 500 || response.status === 408 || response.status === 429;
      throw new DeliveryError('WEBHOOK_REFUSED', `webhook at ${host} answered ${response.status}`, {
        retriable,
      });
    },
    close() {
      // nothing held open
    },
  };
}

/** Sends the notification as a plain-text mail to every recipient over SMTP. */
export function emailSender(config: AlertsConfig['email']): Sender {
  const { smtp } = config;
  const transport = smtpTransport(smtp);
  return {
    channel: 'email',
    async send(content) {
      const message = emailMessage(content);
      const refused = await sendSmtp(transport, smtp, {
        from: config.from,
        to: config.to,
        subject: message.subject,
        text: message.text,
      });
      // Some recipients refused (an unknown domain, a closed mailbox): the others have the mail;
      // sending again would repeat it to them, so this is reported, not retried.
      if (refused.length > 0) {
        throw new DeliveryError(
          'SMTP_RECIPIENTS_REFUSED',
          `mail through ${smtp.host}:${smtp.port} refused for ${refused.join(', ')}`,
          { retriable: false },
          refused,
        );
      }
    },
    close() {
      transport.close();
    },
  };
}

/** The senders the config asks for: a webhook when it has a URL, email when it has recipients. */
export function configuredSenders(config: AlertsConfig): Sender[] {
  const senders: Sender[] = [];
  if (config.webhook.url !== '') senders.push(webhookSender(config.webhook));
  if (config.email.to.length > 0) senders.push(emailSender(config.email));
  return senders;
}
