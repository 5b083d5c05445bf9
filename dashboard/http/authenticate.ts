import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { looksLikeApiToken } from '../auth/api-token.js';
import type { Role } from '../auth/roles.js';
import { hasRole } from '../auth/roles.js';
import { publicUser } from '../auth/user.js';
import type { UserStore } from '../auth/user-store.js';
import './session-types.js';

function wantsHtml(req: Request): boolean {
  return !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
}

/**
 * Every route behind this needs a signed-in user (session cookie) or an API token
 * (`Authorization: Bearer qf_…`). Pages send strangers to the sign-in page; the API answers 401.
 */
export function authenticate(users: UserStore): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const bearer = /^Bearer (.+)$/i.exec(header)?.[1];
    const user =
      bearer !== undefined
        ? looksLikeApiToken(bearer)
          ? await users.findByToken(bearer)
          : undefined
        : req.session.userId !== undefined
          ? await users.findById(req.session.userId)
          : undefined;
    if (!user || user.disabled) {
      if (wantsHtml(req)) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      } else {
        res.status(401).json({ error: 'unauthenticated', message: 'sign in or send an API token' });
      }
      return;
    }
    req.user = publicUser(user);
    req.authMethod = bearer !== undefined ? 'token' : 'session';
    next();
  };
}

/** 403 unless the user's role is at least `needed`. */
export function requireRole(needed: Role): RequestHandler {
  return (req, res, next) => {
    if (req.user && hasRole(req.user.role, needed)) {
      next();
      return;
    }
    res.status(403).json({ error: 'forbidden', message: `needs the ${needed} role` });
  };
}
