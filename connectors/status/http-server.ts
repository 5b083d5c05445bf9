import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import type { SourceStatus } from '../source-status.js';

/**
 * The connectors' small HTTP server: GET /metrics (Prometheus) and GET /healthz (200 while the
 * process runs, with each source's state, so one failing source does not get the container killed).
 */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  statuses: () => readonly SourceStatus[];
}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      options.registry
        .metrics()
        .then((body) => {
          response.writeHead(200, { 'content-type': options.registry.contentType });
          response.end(body);
        })
        .catch((error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(error instanceof Error ? error.message : 'metrics failed');
        });
      return;
    }
    if (request.method === 'GET' && path === '/healthz') {
      const sources = options.statuses().map((s) => ({ source: s.source, state: s.state, phase: s.phase }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok', sources }));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
