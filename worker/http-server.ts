import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

/** GET /metrics (Prometheus text) and GET /healthz (200 while `healthy()`, else 503). */
export async function startWorkerHttpServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  healthy: () => boolean;
}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      options.registry
        .metrics()
        .then((text) => {
          response.writeHead(200, { 'content-type': options.registry.contentType }).end(text);
        })
        .catch(() => response.writeHead(500).end());
    } else if (request.method === 'GET' && path === '/healthz') {
      const ok = options.healthy();
      response
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
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
