import type { MetricsExposition } from '../cluster/cluster-metrics.js';
import type { RouteHandler } from '../handler-context.js';
import { sendJson } from '../http/respond.js';

/** GET /healthz: the process serves requests. */
export const handleHealthz: RouteHandler = (_req, res) => {
  sendJson(res, 200, { status: 'ok' });
  return Promise.resolve();
};

/**
 * GET /readyz: 200 while events can be made durable (Kafka or a spool with room) and will reach
 * Kafka; 503 while shutting down, when the spool is full, or while the spool cannot drain because
 * Kafka refuses every request for good (`stuck`: authorisation, say; an outage is not stuck, the
 * spool is there for it), so a load balancer sends traffic elsewhere and monitoring sees it.
 * `deadLetters` counts the records this process set aside as refused for good.
 */
export function readyzHandler(
  state: () => {
    closing: boolean;
    spoolFull: boolean;
    route: string;
    stuck: Error | undefined;
    deadLetters: number;
  },
): RouteHandler {
  return (_req, res) => {
    const { closing, spoolFull, route, stuck, deadLetters } = state();
    const ready = !closing && !spoolFull && stuck === undefined;
    sendJson(res, ready ? 200 : 503, {
      status: ready ? 'ready' : 'unavailable',
      closing,
      spoolFull,
      route,
      stuck: stuck?.message ?? null,
      deadLetters,
    });
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
