import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { resolutionRules } from '../../lib/resolution/rules.js';
import { defaultThreads, resolveFiles } from '../../processor/resolve-files.js';
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
    .option(
      '--threads <n>',
      'worker threads that parse and validate lines while this one resolves them in file order; ' +
        '0: everything in one thread (default: cores - 1, at least 1)',
      parseThreads,
    )
    .action(
      async (
        options: { quotes: string; bookings: string; out: string; skipInvalid?: boolean; threads?: number },
        command: Command,
      ) => {
        const { config } = await commandContext(command, 'resolve');
        const started = performance.now();
        const result = await resolveFiles({
          ...options,
          skipInvalid: options.skipInvalid ?? false,
          threads: options.threads ?? defaultThreads(),
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

function parseThreads(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return Number(value);
}
