import type { Command } from 'commander';
import { QuoteflowError } from '../../lib/errors.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { isTimestamp } from '../../lib/records/timestamp.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { toEpochMs } from '../../lib/resolution/instant.js';
import { reprocess } from '../../processor/reprocess.js';
import { commandContext } from '../command-context.js';

/** `quoteflow reprocess --from <time>`: empty the derived tables and rewind the processor group. */
export function registerReprocessCommand(program: Command): void {
  program
    .command('reprocess')
    .description(
      'empty the processor tables and rewind the processor group to --from, so that the processors ' +
        '(stopped first, started after) rebuild them from what Kafka retains',
    )
    .requiredOption('--from <time>', 'ISO-8601 date-time (UTC unless it has an offset), or "earliest"')
    .action(async (options: { from: string }, command: Command) => {
      const { config, logger } = await commandContext(command, 'reprocess');
      if (options.from !== 'earliest' && !isTimestamp(options.from)) {
        throw new QuoteflowError('USAGE', '--from: must be an ISO-8601 date-time or "earliest"');
      }
      const from = options.from === 'earliest' ? undefined : toEpochMs(options.from, 'UTC', '--from');
      const client = RethinkdbClient.fromConfig(config.rethinkdb, logger, 30_000);
      const admin = createKafka(config.kafka, logger).admin();
      await admin.connect();
      try {
        const result = await reprocess({
          admin,
          client,
          topics: config.kafka.topics,
          groupId: config.processor.groupId,
          from,
        });
        const cleared = Object.entries(result.cleared).map(([table, count]) => `${table} ${count}`);
        process.stdout.write(`cleared: ${cleared.join(', ')}\n`);
        for (const [partition, offset] of Object.entries(result.offsets)) {
          process.stdout.write(`${partition} resumes at offset ${offset}\n`);
        }
        process.stdout.write('start the processors to rebuild\n');
      } finally {
        await admin.disconnect();
        await client.close();
      }
    });
}
