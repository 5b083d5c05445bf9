import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import './session-types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's synchronizer token, made on first use; pages and the app send it back. */
export function csrfTokenFor(req: Request): string {
  req.session.csrfToken ??= randomBytes(24).toString('base64url');
  return req.session.csrfToken;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF protection for state-changing requests, in two layers:
 * - the Origin (or Referer) header, when the browser sends one, must be this dashboard's own;
 * - a request carried by the session cookie must echo the session's token in `X-CSRF-Token` (or
 *   a `_csrf` form field). API-token requests carry no ambient credential and need no token.
 */
export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const origin = req.get('origin') ?? req.get('referer');
    if (origin !== undefined) {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== req.get('host')) {
        res.status(403).json({ error: 'csrf', message: 'cross-site request refused' });
        return;
      }
    }
    if (/^Bearer /i.test(req.get('authorization') ?? '') || req.session.userId === undefined) {
      next();
      return;
    }
    const body = req.body as Record<string, unknown> | undefined;
    const sent = req.get('x-csrf-token') ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
    const expected = req.session.csrfToken;
    if (sent === undefined || expected === undefined || !sameToken(sent, expected)) {
      res.status(403).json({ error: 'csrf', message: 'missing or wrong X-CSRF-Token' });
      return;
    }
    next();
  };
}
