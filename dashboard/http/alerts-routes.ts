import { Router } from 'express';
import type { AlertStore } from '../../lib/alerts/alert-store.js';
import { requireRole } from './authenticate.js';

/** The longest silence an admin can set: a week. */
export const MAX_SILENCE_MINUTES = 7 * 24 * 60;

/**
 * /api/v1/alerts: the alerts the worker keeps (one per check and subject, firing first), their
 * history, and silencing (admin): a silenced alert keeps its state but sends no notification.
 */
export function alertsRoutes({
  alerts,
  clock = () => new Date(),
}: {
  alerts: AlertStore;
  clock?: () => Date;
}): Router {
  const router = Router();

  router.get('/alerts', async (_req, res) => {
    res.json({ alerts: await alerts.list() });
  });

  router.get('/alerts/history', async (req, res) => {
    const limit = Number(req.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      res.status(400).json({ error: 'bad_request', message: 'limit: must be a whole number from 1 to 1000' });
      return;
    }
    const alertId =
      typeof req.query.alertId === 'string' && req.query.alertId !== '' ? req.query.alertId : undefined;
    res.json({ events: await alerts.history({ limit, alertId }) });
  });

  router.post('/alerts/:id/silence', requireRole('admin'), async (req, res) => {
    const minutes = (req.body as Record<string, unknown> | undefined)?.minutes;
    if (
      typeof minutes !== 'number' ||
      !Number.isInteger(minutes) ||
      minutes < 1 ||
      minutes > MAX_SILENCE_MINUTES
    ) {
      res.status(400).json({
        error: 'bad_request',
        message: `minutes: must be a whole number from 1 to ${MAX_SILENCE_MINUTES}`,
      });
      return;
    }
    const now = clock();
    const alert = await alerts.silence(
      String(req.params.id),
      new Date(now.getTime() + minutes * 60_000),
      req.user?.email ?? '',
      now,
    );
    if (!alert) {
      res.status(404).json({ error: 'not_found', message: 'no such alert' });
      return;
    }
    res.json({ alert });
  });

  router.delete('/alerts/:id/silence', requireRole('admin'), async (req, res) => {
    const alert = await alerts.silence(String(req.params.id), null, req.user?.email ?? '', clock());
    if (!alert) {
      res.status(404).json({ error: 'not_found', message: 'no such alert' });
      return;
    }
    res.json({ alert });
  });

  return router;
}
