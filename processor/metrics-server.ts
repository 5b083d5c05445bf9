import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';

/** GET /metrics (Prometheus text) and GET /health (200 while `healthy()` is true). */
export async function startMetricsServer(
  registry: Registry,
  port: number,
  healthy: () => boolean,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          response.writeHead(200, { 'content-type': registry.contentType }).end(text);
        })
        .catch(() => response.writeHead(500).end());
    } else if (request.url === '/health') {
      const ok = healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      resolve();
    });
  });
  return server;
}
