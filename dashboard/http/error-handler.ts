import type { ErrorRequestHandler } from 'express';
import { isRetriable } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';

/** What a client is told to wait before asking again while a dependency is down. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The last handler: a malformed body gets 400 and the field-free reason; a dependency that is
 * down for now (RethinkDB restarting: a retriable error) gets 503 with Retry-After, so a browser
 * or a script knows to try again rather than report a bug; anything else 500 with a plain message.
 * A user never sees a stack trace.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (error as { type?: unknown }).type;
      res
        .status(status)
        .json({ error: typeof type === 'string' ? type : 'bad_request', message: 'malformed request' });
      return;
    }
    if (isRetriable(error)) {
      logger.warn(
        { err: error, method: req.method, path: req.path },
        'request failed: a dependency is unavailable',
      );
      if (!res.headersSent) {
        res
          .status(503)
          .set('Retry-After', String(RETRY_AFTER_SECONDS))
          .json({ error: 'unavailable', message: 'the database is unavailable; try again shortly' });
      }
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal', message: 'internal error' });
  };
}
