import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../lib/logger.js';

/**
 * The last handler: a malformed body gets 400 and the field-free reason, anything else 500 with
 * a plain message. A user never sees a stack trace.
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
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal', message: 'internal error' });
  };
}
