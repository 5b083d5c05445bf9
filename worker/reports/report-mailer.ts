import type { AlertsConfig } from '../../lib/config/worker-schema.js';
import { sendSmtp, smtpTransport } from '../mail/smtp-mail.js';

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

/**
 * Report mail through the appliance's one SMTP server (`worker.alerts.email.smtp`), with the file
 * attached (streamed from disk by nodemailer). Errors name the server, never the password; an
 * SMTP 5xx is permanent, anything else is retried by the job.
 */
export function reportMailer(smtp: AlertsConfig['email']['smtp'], from: string): ReportMailer {
  const transport = smtpTransport(smtp);
  return {
    send: (mail) =>
      sendSmtp(transport, smtp, {
        from,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        attachments: [mail.attachment],
      }),
    close() {
      transport.close();
    },
  };
}
