import type { MetricsExposition } from '../cluster/cluster-metrics.js';
import type { RouteHandler } from '../handler-context.js';
import { sendJson } from '../http/respond.js';

/** GET /healthz: the process serves requests. */
export const handleHealthz: RouteHandler = (_req, res) => {
  sendJson(res, 200, { status: 'ok' });
  return Promise.resolve();
};

/**
 * GET /readyz: 200 while events can be made durable (Kafka or a spool with room), 503 while
 * shutting down or when the spool is full, so a load balancer sends traffic elsewhere.
 */
export function readyzHandler(
  state: () => { closing: boolean; spoolFull: boolean; route: string },
): RouteHandler {
  return (_req, res) => {
    const { closing, spoolFull, route } = state();
    const ready = !closing && !spoolFull;
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', closing, spoolFull, route });
    return Promise.resolve();
  };
}

export function metricsHandler(exposition: MetricsExposition): RouteHandler {
  return async (_req, res) => {
    const body = await exposition.metrics();
    res.writeHead(200, { 'content-type': exposition.contentType });
    res.end(body);
  };
}
