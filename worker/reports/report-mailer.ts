import { createTransport } from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { AlertsConfig } from '../../lib/config/worker-schema.js';
import { DeliveryError } from '../alerts/senders.js';

export interface ReportMail {
  to: readonly string[];
  subject: string;
  text: string;
  attachment: { filename: string; path: string };
}

export interface ReportMailer {
  /** Sends; resolves with the recipients the server refused while it took the others. */
  send(mail: ReportMail): Promise<string[]>;
  close(): void;
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [entry];
    const address = (entry as { address?: unknown } | null)?.address;
    return typeof address === 'string' ? [address] : [];
  });
}

/**
 * Report mail through the appliance's one SMTP server (`worker.alerts.email.smtp`), with the file
 * attached (streamed from disk by nodemailer). Errors name the server, never the password; an
 * SMTP 5xx is permanent, anything else is retried by the job.
 */
export function reportMailer(smtp: AlertsConfig['email']['smtp'], from: string): ReportMailer {
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
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from,
          to: [...mail.to],
          subject: mail.subject,
          text: mail.text,
          attachments: [mail.attachment],
        });
        return addresses(info.rejected);
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
    },
    close() {
      transport.close();
    },
  };
}
