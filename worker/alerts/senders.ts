import { createTransport } from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { QuoteflowError } from '../../lib/errors.js';
import type { AlertsConfig } from '../../lib/config/worker-schema.js';
import type { NotificationContent } from './notification-content.js';
import { emailMessage, webhookBody } from './notification-content.js';

export type Channel = 'webhook' | 'email';

/** A delivery that failed. Its message never holds the webhook URL or the SMTP password. */
export class DeliveryError extends QuoteflowError {
  constructor(
    code: string,
    message: string,
    options: { retriable: boolean },
    /** Mail: the recipients the SMTP server refused (the others got the message). */
    readonly rejected: readonly string[] = [],
  ) {
    super(code, message, options);
  }
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [entry];
    const address = (entry as { address?: unknown } | null)?.address;
    return typeof address === 'string' ? [address] : [];
  });
}

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
  const transport: Transporter = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === '' ? {} : { auth: { user: smtp.user, pass: smtp.password } }),
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
  });
  return {
    channel: 'email',
    async send(content) {
      const message = emailMessage(content);
      let refused: string[];
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: message.subject,
          text: message.text,
        });
        refused = addresses(info.rejected);
      } catch (error) {
        const smtpError = error as { code?: string; responseCode?: number; rejected?: unknown };
        const permanent = smtpError.responseCode !== undefined && smtpError.responseCode >= 500;
        const what = smtpError.responseCode ?? smtpError.code ?? 'error';
        throw new DeliveryError(
          'SMTP_FAILED',
          `mail through ${smtp.host}:${smtp.port} failed (${what})`,
          { retriable: !permanent },
          addresses(smtpError.rejected),
        );
      }
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
