import type { Request, Response } from 'express';
import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import type { Logger } from '../../lib/logger.js';
import { decoyPasswordHash, verifyPassword } from '../auth/password.js';
import { userIdFor } from '../auth/user.js';
import type { UserStore } from '../auth/user-store.js';
import { loginPage } from '../pages/login-page.js';
import { csrfTokenFor } from './csrf.js';
import { safeRedirectPath } from './safe-redirect.js';
import './session-types.js';

export interface LoginRoutesOptions {
  users: UserStore;
  redis: Redis;
  logger: Logger;
  windowMinutes: number;
  maxAttempts: number;
}

function field(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error: unknown) => {
      if (error) reject(error instanceof Error ? error : new Error('session regenerate failed'));
      else resolve();
    });
  });
}

/**
 * GET/POST /login and POST /logout. Failed sign-ins are limited per client address and email
 * (counted in Redis, so every dashboard instance shares the count); the answer never says whether
 * the email exists.
 */
export function loginRoutes(options: LoginRoutesOptions): Router {
  const { users, logger } = options;
  const router = Router();

  const limiter = rateLimit({
    windowMs: options.windowMinutes * 60_000,
    limit: options.maxAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // ipKeyGenerator groups an IPv6 client's /56, which one attacker controls whole.
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? 'unknown')}|${userIdFor(field(req, 'email'))}`,
    store: new RedisStore({
      prefix: 'qf:login-limit:',
      sendCommand: (command: string, ...args: string[]) =>
        options.redis.call(command, ...args) as Promise<number | string>,
    }),
    handler: (req, res) => {
      logger.warn({ ip: req.ip }, 'sign-in rate limit reached');
      res.status(429).json({ error: 'rate_limited', message: 'too many failed sign-ins; try again later' });
    },
  });

  router.get('/login', (req, res) => {
    res
      .type('html')
      .send(loginPage({ csrfToken: csrfTokenFor(req), next: safeRedirectPath(req.query.next) }));
  });

  router.post('/login', limiter, async (req: Request, res: Response) => {
    const email = field(req, 'email');
    const password = field(req, 'password');
    const next = safeRedirectPath(field(req, 'next'));
    const user = email === '' ? undefined : await users.findByEmail(email);
    // Verify against a decoy hash for unknown emails: the same work, so timing tells nothing.
    const valid = await verifyPassword(
      user?.passwordHash ?? (await decoyPasswordHash()),
      password,
      (error) => {
        logger.error({ err: error, user: user?.id }, 'password check failed (unreadable stored hash?)');
      },
    );
    if (!user || user.disabled || !valid) {
      logger.info({ ip: req.ip }, 'sign-in failed');
      const message = 'wrong email or password';
      if (req.is('application/json')) res.status(401).json({ error: 'unauthenticated', message });
      else
        res
          .status(401)
          .type('html')
          .send(loginPage({ csrfToken: csrfTokenFor(req), next, error: message }));
      return;
    }
    // A new session id at sign-in defeats session fixation.
    await regenerate(req);
    req.session.userId = user.id;
    const csrfToken = csrfTokenFor(req);
    logger.info({ user: user.id }, 'signed in');
    if (req.is('application/json')) res.json({ user: user.id, role: user.role, csrfToken });
    else res.redirect(303, next);
  });

  router.post('/logout', (req, res) => {
    req.session.destroy(() => {
      res.clearCookie('qf.sid');
      if (req.accepts(['json', 'html']) === 'html') res.redirect(303, '/login');
      else res.status(204).end();
    });
  });

  return router;
}
