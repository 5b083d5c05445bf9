import type { Command } from 'commander';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { isRetriable } from '../../lib/errors.js';
import { classifyKafkaError } from '../../lib/kafka/kafka-errors.js';
import { ensureTopics, standardTopics } from '../../lib/kafka/topics.js';
import { retry } from '../../lib/retry.js';
import { migrate } from '../../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../../lib/rethinkdb/tables.js';
import { backoffDelay, sleep } from '../../lib/backoff.js';
import type { Logger } from '../../lib/logger.js';
import { commandContext } from '../command-context.js';

/**
 * Connects, retrying until `waitMs` passed. kafkajs's admin retries only its operations; its first
 * connection follows the client's short retry budget, and on `docker compose restart` Kafka comes
 * back long after migrate started (compose restarts every container at once, without order).
 */
async function connectWithin(connect: () => Promise<void>, waitMs: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await connect();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      logger.warn({ err: error, attempt }, 'Kafka is not reachable yet; retrying');
      await sleep(Math.max(250, backoffDelay(attempt, 500, 5000)));
    }
  }
}

/**
 * `quoteflow migrate`: creates the RethinkDB database, tables and indexes and the Kafka topics.
 * Idempotent, so compose runs it before every start.
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create the RethinkDB database, tables and indexes and the Kafka topics (idempotent)')
    .option('--skip-kafka', 'leave Kafka topics alone')
    .option('--skip-rethinkdb', 'leave RethinkDB alone')
    .option('--wait <seconds>', 'how long to wait for RethinkDB and Kafka to answer', '60')
    .action(
      async (options: { skipKafka?: boolean; skipRethinkdb?: boolean; wait: string }, command: Command) => {
        const { config, logger } = await commandContext(command, 'migrate');
        const waitMs = Number(options.wait) * 1000;
        if (!options.skipRethinkdb) {
          const client = RethinkdbClient.fromConfig(config.rethinkdb, logger, waitMs);
          try {
            const result = await migrate(client, TABLES, logger);
            process.stdout.write(
              `rethinkdb: database ${client.db}${result.databaseCreated ? ' created' : ' present'}; ` +
                `tables created: ${result.tablesCreated.join(', ') || 'none'}; ` +
                `indexes created: ${result.indexesCreated.join(', ') || 'none'}\n`,
            );
          } finally {
            await client.close();
          }
        }
        if (!options.skipKafka) {
          const kafka = createKafka(config.kafka, logger);
          const admin = kafka.admin({
            retry: { maxRetryTime: waitMs, retries: Math.max(5, Math.ceil(waitMs / 2000)) },
          });
          await connectWithin(() => admin.connect(), waitMs, logger);
          try {
            // A broker that has just started answers metadata before it hosts what it created
            // ("This server does not host this topic-partition"): retried until --wait runs out.
            const deadline = Date.now() + waitMs;
            const result = await retry(() => ensureTopics(admin, standardTopics(config.kafka), logger), {
              isRetriable: (error) => Date.now() < deadline && isRetriable(classifyKafkaError(error)),
              backoff: { initialMs: 250, maxMs: 2_000 },
              onRetry: (error) => {
                logger.warn({ err: error }, 'creating the Kafka topics failed; retrying');
              },
            });
            process.stdout.write(
              `kafka: topics created: ${result.created.join(', ') || 'none'}; ` +
                `grown: ${result.grown.join(', ') || 'none'}; unchanged: ${result.unchanged.join(', ') || 'none'}\n`,
            );
          } finally {
            await admin.disconnect();
          }
        }
      },
    );
}
