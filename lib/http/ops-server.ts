import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  port: number;
  /** Interface to listen on; unset: every interface. */
  host?: string;
  registry: Registry;
  /** Where the health answer is served (`/health`, `/healthz`). */
  healthPath: string;
  /** The health answer: 200 with `body` when `ok`, else 503. */
  health: () => { ok: boolean; body: object };
}

/**
 * The small HTTP server of a service without a web API of its own (processor, connectors,
 * worker): GET /metrics (Prometheus text) and GET `healthPath`; anything else is 404.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<Server> {
  const { registry } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          response.writeHead(200, { 'content-type': registry.contentType }).end(text);
        })
        .catch((error: unknown) => {
          response
            .writeHead(500, { 'content-type': 'text/plain' })
            .end(error instanceof Error ? error.message : 'metrics failed');
        });
    } else if (request.method === 'GET' && path === options.healthPath) {
      const { ok, body } = options.health();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (options.host === undefined) server.listen(options.port, listening);
    else server.listen(options.port, options.host, listening);
  });
  return server;
}
