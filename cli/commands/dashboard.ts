import { hostname } from 'node:os';
import type { Command } from 'commander';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import { DlqMirror } from '../../dashboard/pipeline/dlq-mirror.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { createRedis } from '../../lib/redis.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { Shutdown } from '../../lib/shutdown.js';
import { bootstrapAdmin } from '../../dashboard/auth/bootstrap-admin.js';
import { UserStore } from '../../dashboard/auth/user-store.js';
import { DashboardServer, checkDashboardConfig } from '../../dashboard/dashboard-server.js';
import { commandContext } from '../command-context.js';

const REQUEST_WAIT_FOR_RETHINKDB_MS = 5_000;

/** `quoteflow dashboard`: the analysts' web app and REST API. */
export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve the dashboard and its REST API (default port 8080)')
    .action(async (_options: unknown, command: Command) => {
      const { config, logger } = await commandContext(command, 'dashboard', { logToStdout: true });
      checkDashboardConfig(config.dashboard);
      const shutdown = new Shutdown({ logger }).install();
      // A request waits at most this long for RethinkDB to come back, then gets 503 + Retry-After
      // (dashboard/http/error-handler.ts) instead of hanging until the browser gives up.
      const db = RethinkdbClient.fromConfig(config.rethinkdb, logger, REQUEST_WAIT_FOR_RETHINKDB_MS);
      shutdown.add('rethinkdb', () => db.close());
      const redis = createRedis(config.redis, logger);
      shutdown.add('redis', async () => {
        await redis.quit();
      });
      const users = new UserStore(db);
      const kafka = createKafka(config.kafka, logger);
      const admin = kafka.admin();
      let adminConnected: Promise<void> | undefined;
      shutdown.add('kafka-admin', () => admin.disconnect());
      const highWatermarks = async (topic: string) => {
        adminConnected ??= admin.connect().catch((error: unknown) => {
          adminConnected = undefined;
          throw error;
        });
        await adminConnected;
        const offsets = await admin.fetchTopicOffsets(topic);
        return new Map(offsets.map((o) => [o.partition, o.high]));
      };
      const dlq = new DlqMirror({
        kafka,
        topic: config.kafka.topics.dlq.name,
        groupId: `${config.kafka.clientId}-dashboard-dlq-${hostname()}`,
        capacity: 1000,
        logger,
      });
      dlq.start();
      shutdown.add('dlq', () => dlq.close());
      const server = new DashboardServer({
        config: config.dashboard,
        users,
        redis,
        logger,
        metrics: createMetricsRegistry('dashboard'),
        db,
        zone: config.kpi.timezone,
        worker: config.worker,
        rules: resolutionRules(config.resolution, config.sources),
        dlq,
        highWatermarks,
      });
      await bootstrapAdmin(users, config.dashboard.admin, logger);
      await server.listen();
      shutdown.add('http', () => server.close());
    });
}
