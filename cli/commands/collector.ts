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
import { classifyKafkaError } from '../../lib/kafka/kafka-errors.js';
import type { ReplayReport } from '../../collector/replay/dead-letter-replay.js';
import { replayDeadLetters } from '../../collector/replay/dead-letter-replay.js';
import { replayComplete, replayReportLines } from '../../collector/replay/replay-report.js';

/**
 * `quoteflow collector`: HTTP event ingestion into Kafka with a durable local spool. With
 * `collector.workers` above 1 this process supervises that many worker processes sharing the port.
 */
export function registerCollectorCommand(program: Command): void {
  const collector = program.command('collector');
  collector
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
  collector
    .command('replay-dead-letters')
    .description(
      'send the events Kafka refused for good (the dead-letter files of spool.dir) to Kafka again, ' +
        'once the cause is fixed; what is still refused stays; refuses while a collector writes the spool',
    )
    .option(
      '--force',
      'replay although a collector mark is there (that collector is gone: killed, container removed)',
    )
    .action(async (options: { force?: boolean }, command: Command) => {
      const { config, logger } = await commandContext(command, 'collector');
      const report = await replayWithKafka(config, logger, options.force === true);
      for (const line of replayReportLines(report)) process.stdout.write(`${line}\n`);
      if (!replayComplete(report)) process.exitCode = 1;
    });
}

/** One producer for the replay, connected first so that an unreachable Kafka fails the command clearly. */
async function replayWithKafka(config: Config, logger: Logger, force: boolean): Promise<ReplayReport> {
  const producer = createDurableProducer(config.kafka, logger);
  try {
    await producer.connect();
  } catch (error) {
    throw classifyKafkaError(error);
  }
  try {
    return await replayDeadLetters({
      spoolDir: config.collector.spool.dir,
      force,
      send: (record) => producer.send(config.kafka.topics.events.name, [record]),
    });
  } finally {
    await producer.disconnect();
  }
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
