import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CollectorMetrics } from '../collector-metrics.js';
import type { HandlerContext } from '../handler-context.js';
import { HttpError } from './http-error.js';
import { CORS_HEADERS, sendError } from './respond.js';
import type { Router } from './router.js';

export interface CollectorServerOptions {
  router: Router;
  context: HandlerContext;
  metrics: CollectorMetrics;
  logger: Logger;
}

/**
 * The collector's HTTP server, on plain node:http: the fastest layer measured on these machines
 * (DESIGN.md's calibration: bare node:http ~24k req/s, fastify ~18k, express ~4k), and a handful
 * of fixed routes needs no framework (bench/collector.ts measures the cost of ours). Every failure
 * becomes a JSON error with a status and a code; nothing a client sends shows a stack trace or
 * stops the process.
 */
export class CollectorServer {
  private readonly server: Server;
  private closing = false;

  constructor(private readonly options: CollectorServerOptions) {
    this.server = createServer(
      { requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 65_000 },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    // Unparseable requests (bad request line, oversized headers): answer without a body of ours.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return;
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
    });
  }

  get isClosing(): boolean {
    return this.closing;
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /**
   * Stops accepting connections and waits for the requests under way to be answered; answers
   * given meanwhile carry `Connection: close`. Keep-alive connections that linger are closed
   * once idle, and all of them after `graceMs` (their events, if any, are still made durable).
   */
  async close(graceMs = 5000): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    const started = Date.now();
    const sweep = setInterval(() => {
      if (Date.now() - started > graceMs) this.server.closeAllConnections();
      else this.server.closeIdleConnections();
    }, 100);
    this.server.closeIdleConnections();
    try {
      await closed;
    } finally {
      clearInterval(sweep);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { router, context, metrics, logger } = this.options;
    let routeName = 'unknown';
    try {
      if (this.closing) res.setHeader('connection', 'close');
      const url = URL.canParse(req.url ?? '/', 'http://collector')
        ? new URL(req.url ?? '/', 'http://collector')
        : undefined;
      if (!url) throw new HttpError(400, 'bad_url', 'the request URL cannot be parsed');
      const match = router.match(url.pathname);
      if (!match) throw new HttpError(404, 'not_found', 'no such endpoint');
      routeName = match.route.name;
      const method = req.method ?? 'GET';
      if (method === 'OPTIONS') {
        res.writeHead(204, CORS_HEADERS);
        res.end();
        return;
      }
      const handler =
        match.route.methods[method] ?? (method === 'HEAD' ? match.route.methods.GET : undefined);
      if (!handler) {
        throw new HttpError(
          405,
          'method_not_allowed',
          `use ${Object.keys(match.route.methods).join(' or ')}`,
          {},
          {
            allow: [...Object.keys(match.route.methods), 'OPTIONS'].join(', '),
          },
        );
      }
      await handler(req, res, context, {
        url,
        ...(match.pathParam === undefined ? {} : { pathParam: match.pathParam }),
      });
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status === 413 || error.status === 415) res.setHeader('connection', 'close');
        if (!res.headersSent)
          sendError(res, error.status, error.code, error.message, error.details, error.headers);
      } else {
        logger.error({ route: routeName, err: error }, 'request failed');
        if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
      }
      // A body left unread (413, 401 before reading) must not be parsed as the next request.
      if (!req.complete) req.resume();
    } finally {
      metrics.requests.inc({ route: routeName, status: String(res.statusCode) });
    }
  }
}
