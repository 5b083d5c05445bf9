import type { Command } from 'commander';
import { ConnectorsService } from '../../connectors/connectors-service.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { createLogger } from '../../lib/logger.js';
import { Shutdown } from '../../lib/shutdown.js';
import { commandContext } from '../command-context.js';

/**
 * `quoteflow connectors`: change data capture from every enabled source into qf.quotes and
 * qf.bookings. Runs until SIGTERM or SIGINT.
 */
export function registerConnectorsCommand(program: Command): void {
  program
    .command('connectors')
    .description('capture quote and booking changes from the configured source databases into Kafka')
    .action(async (_options: unknown, command: Command) => {
      const context = await commandContext(command, 'connectors');
      const logger = createLogger({ level: context.config.log.level, name: 'connectors' });
      const shutdown = new Shutdown({ logger }).install();
      const kafka = createKafka(context.config.kafka, logger);
      const service = await ConnectorsService.start({ config: context.config, kafka, logger });
      shutdown.add('connectors', () => service.stop());
    });
}
