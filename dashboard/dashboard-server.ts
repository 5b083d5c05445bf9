import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { DashboardConfig } from '../lib/config/schema.js';
import type { Logger } from '../lib/logger.js';
import type { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import { QuoteflowError } from '../lib/errors.js';
import type { UserStore } from './auth/user-store.js';
import { createDashboardApp } from './app.js';

export interface DashboardServerOptions {
  config: DashboardConfig;
  users: UserStore;
  redis: Redis;
  logger: Logger;
  metrics: Registry;
  db: RethinkdbClient;
  zone: string;
}

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

/** The dashboard's HTTP server: listen, and close by draining open requests. */
export class DashboardServer {
  private server: Server | undefined;

  constructor(private readonly options: DashboardServerOptions) {
    checkDashboardConfig(options.config);
  }

  /** Starts listening; resolves with the bound port (0 in the config picks a free one). */
  async listen(): Promise<number> {
    const app = createDashboardApp(this.options);
    const server = createServer(app);
    this.server = server;
    const { host, port } = this.options.config;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    this.options.logger.info({ host, port: bound }, 'dashboard listening');
    return bound;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }
}
