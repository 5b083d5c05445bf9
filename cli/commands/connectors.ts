import type { Server } from 'node:http';
import type { Command } from 'commander';
import { ConnectorsService } from '../../connectors/connectors-service.js';
import { registerConnectorMetrics } from '../../connectors/status/connector-metrics.js';
import { startHttpServer } from '../../connectors/status/http-server.js';
import { StatusPublisher } from '../../connectors/status/status-publisher.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { createLogger } from '../../lib/logger.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { Shutdown } from '../../lib/shutdown.js';
import { commandContext } from '../command-context.js';

/**
 * `quoteflow connectors`: change data capture from every enabled source into qf.quotes and
 * qf.bookings, with each source's status in RethinkDB (pipeline_status) and on /metrics. Runs until
 * SIGTERM or SIGINT.
 */
export function registerConnectorsCommand(program: Command): void {
  program
    .command('connectors')
    .description('capture quote and booking changes from the configured source databases into Kafka')
    .action(async (_options: unknown, command: Command) => {
      const { config } = await commandContext(command, 'connectors');
      const logger = createLogger({ level: config.log.level, name: 'connectors' });
      const shutdown = new Shutdown({ logger }).install();
      const kafka = createKafka(config.kafka, logger);
      const rethinkdb = RethinkdbClient.fromConfig(
        config.rethinkdb,
        logger,
        config.connectors.statusIntervalMs,
      );
      shutdown.add('rethinkdb', () => rethinkdb.close());

      const service = await ConnectorsService.start({ config, kafka, logger });
      const statuses = () => service.statuses();
      const publisher = new StatusPublisher({
        client: rethinkdb,
        statuses,
        intervalMs: config.connectors.statusIntervalMs,
        logger,
      });
      publisher.start();
      shutdown.add('status', () => publisher.stop());
      shutdown.add('connectors', () => service.stop());

      const registry = createMetricsRegistry('connectors');
      registerConnectorMetrics(registry, statuses);
      if (config.connectors.httpPort > 0) {
        const server: Server = await startHttpServer({
          port: config.connectors.httpPort,
          registry,
          statuses,
        });
        shutdown.add(
          'http',
          () =>
            new Promise<void>((resolve) =>
              server.close(() => {
                resolve();
              }),
            ),
        );
        logger.info({ port: config.connectors.httpPort }, 'serving /metrics and /healthz');
      }
    });
}
