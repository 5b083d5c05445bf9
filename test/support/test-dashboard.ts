import type { Redis } from 'ioredis';
import r from 'rethinkdb';
import { parseConfig } from '../../lib/config/load-config.js';
import type { DashboardConfig, WorkerConfig } from '../../lib/config/schema.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { createRedis } from '../../lib/redis.js';
import { migrate } from '../../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../../lib/rethinkdb/tables.js';
import { createDashboardApp } from '../../dashboard/app.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import { UserStore } from '../../dashboard/auth/user-store.js';
import { DashboardServer } from '../../dashboard/dashboard-server.js';
import { createSessionMiddleware } from '../../dashboard/http/session-middleware.js';
import type { DlqMirror } from '../../dashboard/pipeline/dlq-mirror.js';
import { HttpSession } from './http-session.js';
import { services, uniqueName } from './services.js';
import { testRethinkdbClient } from './test-rethinkdb.js';
import { silentLogger } from './silent-logger.js';

/**
 * A dashboard against the real ReQL server (in a database of its own, migrated) and Redis, with
 * helpers to start instances and sign in. `close()` stops everything and drops the database.
 */
export class TestDashboard {
  readonly db: string;
  readonly rethink: RethinkdbClient;
  readonly redis: Redis;
  readonly users: UserStore;
  readonly config: DashboardConfig;
  /** The worker section the dashboard reads (queue prefix, reports, exports): a queue prefix of its own. */
  readonly worker: WorkerConfig;
  private readonly servers: DashboardServer[] = [];
  /** Set before start() to serve /api/v1/dlq from it. */
  dlq: DlqMirror | undefined;

  constructor(
    readonly zone = 'UTC',
    env: Record<string, string> = {},
    /** A database shared with something else under test (a worker); default: one of its own. */
    db = uniqueName('qf_test_dash'),
  ) {
    this.db = db;
    this.rethink = testRethinkdbClient(this.db);
    this.redis = createRedis({ url: services.redisUrl }, silentLogger);
    this.users = new UserStore(this.rethink);
    const config = parseConfig('', {
      QF_DASHBOARD_HOST: '127.0.0.1',
      QF_DASHBOARD_PORT: '0',
      QF_DASHBOARD_SESSION_SECRET: 'test-secret-that-is-long-enough-0123456789',
      QF_WORKER_QUEUE_PREFIX: uniqueName('qftest'),
      ...env,
    }).config;
    this.config = config.dashboard;
    this.worker = config.worker;
  }

  async migrate(): Promise<void> {
    await migrate(this.rethink, TABLES, silentLogger);
  }

  private options() {
    return {
      config: this.config,
      users: this.users,
      redis: this.redis,
      logger: silentLogger,
      metrics: createMetricsRegistry('dashboard'),
      db: this.rethink,
      zone: this.zone,
      worker: this.worker,
      rules: resolutionRules(parseConfig('', {}).config.resolution),
      dlq: this.dlq,
    };
  }

  /** The Express app, unstarted, to enumerate its routes. */
  app(): ReturnType<typeof createDashboardApp> {
    return createDashboardApp({
      ...this.options(),
      session: createSessionMiddleware(this.config, this.redis),
    });
  }

  /** Starts one more instance; resolves with its base URL. */
  async start(): Promise<string> {
    const server = new DashboardServer(this.options());
    this.servers.push(server);
    return `http://127.0.0.1:${await server.listen()}`;
  }

  /** Stops every instance started so far (the database stays): a restart is stop() then start(). */
  async stop(): Promise<void> {
    for (const server of this.servers.splice(0)) await server.close();
  }

  /** Signs in at `base`; fails the test when the sign-in is refused. */
  async signIn(
    base: string,
    who: { email: string; password: string },
  ): Promise<{ session: HttpSession; csrf: string }> {
    const session = new HttpSession(base);
    const response = await session.request('POST', '/login', { json: who });
    if (response.status !== 200)
      throw new Error(`sign-in of ${who.email} refused: ${response.status} ${response.text}`);
    return { session, csrf: String(response.json?.csrfToken) };
  }

  async close(): Promise<void> {
    for (const server of this.servers) await server.close();
    await this.rethink.run(r.dbDrop(this.db)).catch(() => undefined);
    await this.rethink.close();
    await this.redis.quit();
  }
}
