import type { Request, Response } from 'express';
import { Router } from 'express';
import { QuoteflowError } from '../../lib/errors.js';
import { publicUser } from '../auth/user.js';
import type { UserStore } from '../auth/user-store.js';
import { requireRole } from './authenticate.js';
import { csrfTokenFor } from './csrf.js';
import { OPENAPI_DOCUMENT } from './openapi.js';

function body(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/** A text field of the body; anything else (absent, a number, an object) reads as empty. */
function text(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  return typeof value === 'string' ? value : '';
}

/**
 * /api/v1: who am I, users (admin), API tokens. Mounted behind `authenticate`. `zone` (the KPI time
 * zone) goes out with /me so the browser shows every time as that zone's wall clock, as the
 * filters and exports read them.
 */
export function apiRoutes(users: UserStore, { zone }: { zone: string }): Router {
  const router = Router();

  router.get('/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });

  router.get('/me', (req: Request, res: Response) => {
    res.json({
      user: req.user,
      zone,
      csrfToken: req.authMethod === 'session' ? csrfTokenFor(req) : undefined,
    });
  });

  router.get('/users', requireRole('admin'), async (_req, res) => {
    res.json({ users: (await users.list()).map(publicUser) });
  });

  router.post('/users', requireRole('admin'), async (req, res) => {
    const input = body(req);
    try {
      const user = await users.create({
        email: text(input, 'email'),
        name: text(input, 'name'),
        role: text(input, 'role') as 'viewer',
        password: text(input, 'password'),
      });
      res.status(201).json({ user: publicUser(user) });
    } catch (error) {
      if (
        error instanceof QuoteflowError &&
        (error.code === 'USER_INVALID' || error.code === 'USER_EXISTS')
      ) {
        res
          .status(error.code === 'USER_EXISTS' ? 409 : 400)
          .json({ error: error.code, message: error.message });
        return;
      }
      throw error;
    }
  });

  router.post('/tokens', async (req, res) => {
    const name = text(body(req), 'name').slice(0, 100) || 'api';
    const { token, record } = await users.issueToken(req.user?.id ?? '', name);
    // The token is in this answer and nowhere else, ever.
    res.status(201).json({ token, id: record.id, name: record.name, createdAt: record.createdAt });
  });

  router.delete('/tokens/:id', async (req, res) => {
    const token = await users.findToken(req.params.id);
    if (!token || (token.userId !== req.user?.id && req.user?.role !== 'admin')) {
      res.status(404).json({ error: 'not_found', message: 'no such token' });
      return;
    }
    await users.revokeToken(token.id);
    res.status(204).end();
  });

  return router;
}
