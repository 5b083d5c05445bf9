import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { Server as SocketServer } from 'socket.io';
import type { DashboardConfig } from '../lib/config/schema.js';
import { QuoteflowError } from '../lib/errors.js';
import type { DashboardAppOptions } from './app.js';
import { createDashboardApp } from './app.js';
import { createSessionMiddleware } from './http/session-middleware.js';
import { ExportStore } from './exports/export-store.js';
import { pipelineReader } from './http/pipeline-routes.js';
import { ExportProgressFeed } from './live/export-progress.js';
import { LiveKpis } from './live/live-kpis.js';
import { PipelineHistory } from './pipeline/pipeline-history.js';
import { HistoryStore } from './pipeline/history-store.js';
import { socketAuth } from './live/socket-auth.js';

/** What the app needs, less the session middleware, which the server makes and shares with Socket.IO. */
export type DashboardServerOptions = Omit<DashboardAppOptions, 'session'>;

/**
 * What only the dashboard needs of the shared config file; checked before any connection opens,
 * so a missing secret stops the start at once with the key's name.
 */
export function checkDashboardConfig(config: DashboardConfig): void {
  if (config.sessionSecret.length < 32) {
    throw new QuoteflowError(
      'CONFIG_INVALID',
      'dashboard.sessionSecret: required to run the dashboard, at least 32 characters (QF_DASHBOARD_SESSION_SECRET)',
    );
  }
}

/**
 * The dashboard process: Express for pages and the REST API, Socket.IO (namespaces `/live` for
 * live KPIs, `/exports` for background exports' progress), all behind the same sign-in. Close drains requests and ends the changefeed.
 */
export class DashboardServer {
  private server: Server | undefined;
  private io: SocketServer | undefined;
  private live: LiveKpis | undefined;
  private history: PipelineHistory | undefined;
  private exportProgress: ExportProgressFeed | undefined;

  constructor(private readonly options: DashboardServerOptions) {
    checkDashboardConfig(options.config);
  }

  /** Starts listening; resolves with the bound port (0 in the config picks a free one). */
  async listen(): Promise<number> {
    const { config, users, logger } = this.options;
    const session = createSessionMiddleware(config, this.options.redis);
    // The health cards' charts: lag and rate of the last hour, sampled every 10 s by this process.
    const history = new PipelineHistory({
      read: pipelineReader(this.options),
      // Kept in RethinkDB too, so the charts survive a restart.
      store: new HistoryStore(this.options.db),
      onError: (error) => {
        logger.warn(
          { err: error },
          'cannot sample pipeline_status or keep the samples in pipeline_history for the health charts',
        );
      },
    });
    this.history = history;
    history.start();
    const server = createServer(createDashboardApp({ ...this.options, session, pipelineHistory: history }));
    this.server = server;

    // Same-origin only (no CORS); every namespace needs a signed-in user or a token.
    const io = new SocketServer(server, { serveClient: false });
    this.io = io;
    io.engine.use(session);
    io.use(socketAuth(users));
    const namespace = io.of('/live');
    namespace.use(socketAuth(users));
    this.live = new LiveKpis({
      db: this.options.db,
      namespace,
      zone: this.options.zone,
      logger,
      windowMinutes: config.liveWindowMinutes,
      pushIntervalMs: config.livePushIntervalMs,
    });
    this.live.start();
    const exportsNamespace = io.of('/exports');
    exportsNamespace.use(socketAuth(users));
    this.exportProgress = new ExportProgressFeed({
      namespace: exportsNamespace,
      exports: new ExportStore(this.options.db),
      // Options, not a client: queue events block on a connection of their own, closed with them.
      connection: {
        host: this.options.redis.options.host,
        port: this.options.redis.options.port,
        username: this.options.redis.options.username,
        password: this.options.redis.options.password,
        db: this.options.redis.options.db,
        tls: this.options.redis.options.tls,
        maxRetriesPerRequest: null,
      },
      prefix: this.options.worker.queuePrefix,
      logger,
    });
    this.exportProgress.start();

    const { host, port } = config;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    logger.info({ host, port: bound }, 'dashboard listening');
    return bound;
  }

  async close(): Promise<void> {
    this.history?.stop();
    await this.live?.close();
    await this.exportProgress?.close();
    const server = this.server;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => {
      if (this.io) {
        // Closes the sockets and the HTTP server under them.
        void this.io.close(() => {
          resolve();
        });
      } else {
        server.close(() => {
          resolve();
        });
      }
    });
  }
}
