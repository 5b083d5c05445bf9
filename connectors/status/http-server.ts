import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { startOpsServer } from '../../lib/http/ops-server.js';
import type { SourceStatus } from '../source-status.js';

/**
 * The connectors' small HTTP server: GET /metrics (Prometheus) and GET /healthz (200 while the
 * process runs, with each source's state, so one failing source does not get the container killed).
 */
export function startHttpServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  statuses: () => readonly SourceStatus[];
}): Promise<Server> {
  return startOpsServer({
    port: options.port,
    host: options.host ?? '0.0.0.0',
    registry: options.registry,
    healthPath: '/healthz',
    health: () => ({
      ok: true,
      body: {
        status: 'ok',
        sources: options.statuses().map((s) => ({ source: s.source, state: s.state, phase: s.phase })),
      },
    }),
  });
}
