import { QuoteflowError } from '../../lib/errors.js';

/** An error that is the client's answer: its status, a stable code and a message fit to show. */
export class HttpError extends QuoteflowError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }
}
