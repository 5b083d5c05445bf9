import type { Command } from 'commander';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { createRedis } from '../../lib/redis.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { Shutdown } from '../../lib/shutdown.js';
import { startOpsServer } from '../../lib/http/ops-server.js';
import { WorkerService } from '../../worker/worker-service.js';
import { commandContext } from '../command-context.js';

/** `quoteflow worker`: scheduled checks and alert notifications on BullMQ (worker/README.md). */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run the scheduled data-quality checks and deliver alerts (BullMQ on Redis); run as many as you like',
    )
    .action(async (_options: unknown, command: Command) => {
      const { config, logger } = await commandContext(command, 'worker', { logToStdout: true });
      const shutdown = new Shutdown({ logger }).install();
      const registry = createMetricsRegistry('worker');
      const db = RethinkdbClient.fromConfig(config.rethinkdb, logger);
      shutdown.add('rethinkdb', () => db.close());
      const redis = createRedis(config.redis, logger, { forBullmq: true });
      shutdown.add('redis', async () => {
        await redis.quit();
      });
      const service = new WorkerService({
        config,
        redis,
        db,
        kafka: createKafka(config.kafka, logger),
        logger,
        registry,
      });
      if (config.worker.httpPort > 0) {
        const server = await startOpsServer({
          port: config.worker.httpPort,
          host: '0.0.0.0',
          registry,
          healthPath: '/healthz',
          health: () => {
            const ok = service.healthy;
            return { ok, body: { status: ok ? 'ok' : 'unavailable' } };
          },
        });
        shutdown.add(
          'http server',
          () =>
            new Promise<void>((resolve) => {
              server.close(() => {
                resolve();
              });
            }),
        );
      }
      shutdown.add('worker', () => service.stop());
      await service.start();
      const { webhook, email } = config.worker.alerts;
      logger.info(
        {
          queuePrefix: config.worker.queuePrefix,
          checks: Object.entries(config.worker.checks)
            .filter(([, check]) => check.enabled)
            .map(([name]) => name),
          // Where alerts go, without the URL (it may carry a token) or any SMTP credential.
          webhook: webhook.url === '' ? 'off' : new URL(webhook.url).host,
          email:
            email.to.length === 0
              ? 'off'
              : `${email.to.length} recipients via ${email.smtp.host}:${email.smtp.port}`,
        },
        'worker started',
      );
    });
}
