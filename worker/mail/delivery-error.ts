import { QuoteflowError } from '../../lib/errors.js';

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
