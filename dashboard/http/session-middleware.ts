import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Redis } from 'ioredis';
import type { DashboardConfig } from '../../lib/config/schema.js';
import { RedisSessionStore } from './redis-session-store.js';

/**
 * The session middleware, shared by Express and the Socket.IO handshake so both see the same
 * signed-in user. Cookie `qf.sid`: HttpOnly, SameSite=Lax, Secure when configured.
 */
export function createSessionMiddleware(config: DashboardConfig, redis: Redis): RequestHandler {
  const ttlMs = config.sessionTtlHours * 3_600_000;
  return session({
    name: 'qf.sid',
    secret: config.sessionSecret,
    store: new RedisSessionStore(redis, ttlMs),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: ttlMs },
  });
}
