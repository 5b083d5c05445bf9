/**
 * The one error taxonomy of Quoteflow: a stable `code` to match on (never the message text), and
 * whether retrying later can succeed. Retriable failures (a broker down, a connection reset) are
 * retried with backoff and leave Kafka offsets uncommitted; permanent ones are reported or sent to
 * qf.dlq with their reason.
 */
export class QuoteflowError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isRetriable(error: unknown): boolean {
  return error instanceof QuoteflowError && error.retriable;
}

/**
 * Errors that no retry can cure: a QuoteflowError marked not retriable, and the programming errors
 * (TypeError, RangeError, ReferenceError, SyntaxError) that mean the code is wrong, not the weather.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof QuoteflowError) return !error.retriable;
  return isProgrammingError(error);
}

/** A bug, not bad data or a failed dependency: it must surface (crash and restart), never be swallowed. */
export function isProgrammingError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
