import type { Command } from 'commander';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { checkStore } from '../../processor/check.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import { commandContext } from '../command-context.js';

/** `quoteflow check`: recompute resolution and rollups from the stored records; exit 1 on any difference. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('recompute clusters, matches and rollups from the stored records and print every difference')
    .option('--wait <seconds>', 'how long to wait for RethinkDB', '30')
    .action(async (options: { wait: string }, command: Command) => {
      const { config, logger } = await commandContext(command, 'check');
      const client = RethinkdbClient.fromConfig(config.rethinkdb, logger, Number(options.wait) * 1000);
      try {
        const report = await checkStore(
          client,
          resolutionRules(config.resolution, config.sources),
          config.kpi.timezone,
        );
        for (const line of report.differences) process.stdout.write(`${line}\n`);
        const { quotes, bookings, events, rollups, identities } = report.records;
        process.stdout.write(
          `checked ${quotes} quotes, ${bookings} bookings, ${events} events, ${rollups} rollup documents, ${identities} identity links: ` +
            `${report.differences.length === 0 ? 'no differences' : `${report.differences.length} differences`}\n`,
        );
        if (report.differences.length > 0) process.exitCode = 1;
      } finally {
        await client.close();
      }
    });
}
