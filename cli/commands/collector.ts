import cluster from 'node:cluster';
import type { Command } from 'commander';
import { Collector } from '../../collector/collector.js';
import { reportCollectorStatus } from '../../collector/collector-status.js';
import { clusterMetricsExposition, serveClusterMetrics } from '../../collector/cluster/cluster-metrics.js';
import type { WorkerSlot } from '../../collector/cluster/spool-layout.js';
import {
  SHUTDOWN_MESSAGE,
  WorkerSupervisor,
  workerSlotFromEnv,
} from '../../collector/cluster/worker-supervisor.js';
import { commandContext } from '../command-context.js';
import { LinkCache } from '../../collector/links/link-cache.js';
import { LinkStore } from '../../collector/links/link-store.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { createDurableProducer } from '../../lib/kafka/durable-producer.js';
import type { Logger } from '../../lib/logger.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { Shutdown } from '../../lib/shutdown.js';
import type { Config } from '../../lib/config/schema.js';

/**
 * `quoteflow collector`: HTTP event ingestion into Kafka with a durable local spool. With
 * `collector.workers` above 1 this process supervises that many worker processes sharing the port.
 */
export function registerCollectorCommand(program: Command): void {
  program
    .command('collector')
    .description('take events over HTTP into Kafka (qf.events), spooling to disk while Kafka is away')
    .action(async (_options: unknown, command: Command) => {
      const { config, logger } = await commandContext(command, 'collector', { logToStdout: true });
      const count = config.collector.workers;
      if (count > 1 && cluster.isPrimary) {
        superviseWorkers(count, logger);
        return;
      }
      const worker = workerSlotFromEnv(count);
      await runCollector(config, worker ? logger.child({ worker: worker.index }) : logger, worker);
    });
}

function superviseWorkers(count: number, logger: Logger): void {
  const supervisor = new WorkerSupervisor({ count, logger });
  // Workers get 30 s each to flush; the primary waits a little longer for them.
  const shutdown = new Shutdown({ logger, timeoutMs: 40_000 }).install();
  shutdown.add('workers', () => supervisor.stop());
  serveClusterMetrics();
  supervisor.start();
  logger.info({ workers: count }, 'collector workers started');
  void supervisor.failed().then((error) => shutdown.run(error.message));
}

async function runCollector(config: Config, logger: Logger, worker: WorkerSlot | undefined) {
  const producer = createDurableProducer(config.kafka, logger);
  const shutdown = new Shutdown({ logger }).install();
  if (worker) {
    process.on('message', (message: unknown) => {
      if (message === SHUTDOWN_MESSAGE) void shutdown.run('asked by the primary');
    });
  }
  // RethinkDB holds the click-redirect links; the collector takes events without it.
  const rethinkdb = RethinkdbClient.fromConfig(config.rethinkdb, logger);
  shutdown.add('rethinkdb', () => rethinkdb.close());
  const cache = new LinkCache({ client: rethinkdb, logger: logger.child({ component: 'links' }) });
  cache.start();
  const registry = createMetricsRegistry('collector');
  const collector = await Collector.start({
    links: { cache, store: new LinkStore(rethinkdb) },
    config: config.collector,
    topic: config.kafka.topics.events.name,
    dlqTopic: config.kafka.topics.dlq.name,
    producer,
    registry,
    logger,
    ...(worker ? { worker, exposition: clusterMetricsExposition(registry) } : {}),
  });
  shutdown.add('collector', () => collector.close());
  const stopStatus = reportCollectorStatus({
    db: rethinkdb,
    stats: () => collector.spoolStats(),
    intervalMs: 5000,
    logger,
    ...(worker ? { worker: worker.index } : {}),
  });
  shutdown.add('status', stopStatus);
}
