import { createTransport } from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { AlertsConfig } from '../../lib/config/worker-schema.js';
import { DeliveryError } from './delivery-error.js';

type SmtpSettings = AlertsConfig['email']['smtp'];

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [entry];
    const address = (entry as { address?: unknown } | null)?.address;
    return typeof address === 'string' ? [address] : [];
  });
}

/**
 * The appliance's one SMTP server (`worker.alerts.email.smtp`), for alert mail and report mail:
 * STARTTLS when the server offers it, `secure` for TLS from the start, login when `user` is set.
 */
export function smtpTransport(smtp: SmtpSettings): Transporter {
  return createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === '' ? {} : { auth: { user: smtp.user, pass: smtp.password } }),
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
  });
}

/**
 * Sends one mail; resolves with the recipients the server refused while it took the others. A
 * failure is a DeliveryError naming the server (never the password): an SMTP 5xx is permanent,
 * anything else (unreachable, 4xx, a timeout) retriable.
 */
export async function sendSmtp(
  transport: Transporter,
  smtp: SmtpSettings,
  mail: SendMailOptions,
): Promise<string[]> {
  try {
    const info = await transport.sendMail(mail);
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
}
