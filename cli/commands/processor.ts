import type { Command } from 'commander';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { Shutdown } from '../../lib/shutdown.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import { startOpsServer } from '../../lib/http/ops-server.js';
import { ProcessorService } from '../../processor/processor-service.js';
import { ProcessorStore } from '../../processor/store/processor-store.js';
import { commandContext } from '../command-context.js';

/** `quoteflow processor`: the stream processor service (a member of the processor consumer group). */
export function registerProcessorCommand(program: Command): void {
  program
    .command('processor')
    .description(
      'consume quotes, bookings and events; resolve duplicates, match bookings, keep KPI rollups in RethinkDB',
    )
    .action(async (_options: unknown, command: Command) => {
      const { config, logger } = await commandContext(command, 'processor');
      const shutdown = new Shutdown({ logger }).install();
      const registry = createMetricsRegistry('processor');
      const client = RethinkdbClient.fromConfig(config.rethinkdb, logger);
      shutdown.add('rethinkdb', () => client.close());
      const service = new ProcessorService({
        kafka: createKafka(config.kafka, logger),
        store: new ProcessorStore(client),
        logger,
        topics: config.kafka.topics,
        processor: config.processor,
        rules: resolutionRules(config.resolution, config.sources),
        kpiTimeZone: config.kpi.timezone,
        registry,
        onFatal: (error) => {
          void shutdown.run(`the Kafka consumer stopped: ${error.message}`, true);
        },
      });
      if (config.processor.metricsPort > 0) {
        const server = await startOpsServer({
          port: config.processor.metricsPort,
          registry,
          healthPath: '/health',
          health: () => ({ ok: service.healthy, body: { ok: service.healthy } }),
        });
        shutdown.add(
          'metrics server',
          () =>
            new Promise<void>((resolve) =>
              server.close(() => {
                resolve();
              }),
            ),
        );
      }
      shutdown.add('processor', () => service.stop());
      await service.start();
      logger.info({ groupId: config.processor.groupId }, 'processor started');
    });
}
