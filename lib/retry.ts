import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelay } from './backoff.js';
import { isPermanent } from './errors.js';

export interface RetryOptions {
  /** Aborting stops the retries: the pending wait ends and `retry` rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Exponential backoff with full jitter (see `backoffDelay`); default 200 ms doubling to 10 s. */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Whether a failure is worth another attempt; default: anything not known to be permanent
   * (`isPermanent`: a QuoteflowError marked not retriable, or a programming error such as a
   * TypeError). A failure it refuses is thrown at once.
   */
  isRetriable?: (error: unknown) => boolean;
  /** Attempts in all before the last failure is thrown (default: no limit). */
  maxAttempts?: number;
  /** Told of every failure that will be retried, with the wait before the next attempt. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** For tests: the jitter source (default Math.random). */
  random?: () => number;
}

/**
 * Runs `fn` until it succeeds, waiting with exponential backoff and full jitter between attempts
 * (attempt numbers start at 0). It gives up, throwing the failure, when the failure is not
 * retriable or the attempts run out; an abort ends it at once with the signal's reason.
 *
 * A long-running `fn` (a connection that reads until it fails) calls `progress()` once it got
 * somewhere: the next failure's wait starts from `initialMs` again instead of where the last
 * outage left it.
 */
export async function retry<T>(
  fn: (attempt: number, progress: () => void) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { signal } = options;
  const { initialMs, maxMs } = options.backoff ?? { initialMs: 200, maxMs: 10_000 };
  const retriable = options.isRetriable ?? ((error: unknown) => !isPermanent(error));
  const maxAttempts = options.maxAttempts ?? Infinity;
  /** Failures since the last progress: what the backoff grows with. */
  let failures = 0;
  const progress = () => {
    failures = 0;
  };
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt, progress);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!retriable(error) || attempt + 1 >= maxAttempts) throw error;
      const wait = backoffDelay(failures++, initialMs, maxMs, options.random);
      options.onRetry?.(error, attempt, wait);
      await delay(wait, undefined, signal ? { signal } : {}).catch((abort: unknown) => {
        throw signal?.reason ?? abort;
      });
    }
  }
}

/** Whether `error` is what `retry` throws when its signal was aborted with no reason of its own. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
