import type { Command } from 'commander';
import { Collector } from '../../collector/collector.js';
import { reportCollectorStatus } from '../../collector/collector-status.js';
import { commandContext } from '../command-context.js';
import { LinkCache } from '../../collector/links/link-cache.js';
import { LinkStore } from '../../collector/links/link-store.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { Shutdown } from '../../lib/shutdown.js';

/** `quoteflow collector`: HTTP event ingestion into Kafka with a durable local spool. */
export function registerCollectorCommand(program: Command): void {
  program
    .command('collector')
    .description('take events over HTTP into Kafka (qf.events), spooling to disk while Kafka is away')
    .action(async (_options: unknown, command: Command) => {
      const { config, logger } = await commandContext(command, 'collector', { logToStdout: true });
      const kafka = createKafka(config.kafka, logger);
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      const shutdown = new Shutdown({ logger }).install();
      // RethinkDB holds the click-redirect links; the collector takes events without it.
      const rethinkdb = RethinkdbClient.fromConfig(config.rethinkdb, logger);
      shutdown.add('rethinkdb', () => rethinkdb.close());
      const cache = new LinkCache({ client: rethinkdb, logger: logger.child({ component: 'links' }) });
      cache.start();
      const collector = await Collector.start({
        links: { cache, store: new LinkStore(rethinkdb) },
        config: config.collector,
        topic: config.kafka.topics.events.name,
        producer,
        registry: createMetricsRegistry('collector'),
        logger,
      });
      shutdown.add('collector', () => collector.close());
      const stopStatus = reportCollectorStatus({
        db: rethinkdb,
        stats: () => collector.spoolStats(),
        intervalMs: 5000,
        logger,
      });
      shutdown.add('status', stopStatus);
    });
}
