import type { Command } from 'commander';
import { resolutionRules } from '../../processor/core/rules.js';
import { resolveFiles } from '../../processor/resolve-files.js';
import { commandContext } from '../command-context.js';

/**
 * `quoteflow resolve`: runs the processor's duplicate resolution and booking matching over NDJSON
 * files and writes one line per live record.
 */
export function registerResolveCommand(program: Command): void {
  program
    .command('resolve')
    .description('resolve duplicates and match bookings over NDJSON files of canonical records')
    .requiredOption('--quotes <file>', 'quotes, one canonical record a line, in arrival order')
    .requiredOption('--bookings <file>', 'bookings, one canonical record a line, in arrival order')
    .requiredOption('--out <file>', 'where to write one JSON line per live quote and booking')
    .option('--skip-invalid', 'skip invalid lines (reported as a count) instead of stopping at the first')
    .action(
      async (
        options: { quotes: string; bookings: string; out: string; skipInvalid?: boolean },
        command: Command,
      ) => {
        const { config } = await commandContext(command, 'resolve');
        const started = performance.now();
        const result = await resolveFiles({
          ...options,
          skipInvalid: options.skipInvalid ?? false,
          rules: resolutionRules(config.resolution, config.sources),
        });
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `resolved ${result.records} records (${result.skipped} invalid lines skipped) in ${seconds.toFixed(2)} s; ` +
            `wrote ${result.lines} lines to ${options.out}\n`,
        );
      },
    );
}
