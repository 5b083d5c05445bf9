import { QuoteflowError } from '../../lib/errors.js';

/**
 * Resolves or rejects like `work`, or rejects with a retriable DEADLINE_EXCEEDED after `ms`. The
 * work goes on after the deadline (a produce request cannot be called back); its late outcome is
 * swallowed here so it never becomes an unhandled rejection.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new QuoteflowError('DEADLINE_EXCEEDED', `no answer within ${ms} ms`, { retriable: true }));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
