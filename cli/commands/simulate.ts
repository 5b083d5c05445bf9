import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createLogger } from '../../lib/logger.js';
import { Shutdown } from '../../lib/shutdown.js';
import { createSourceDb } from '../../lib/source-db.js';
import { EventSender } from '../../simulate/event-sender.js';
import { Simulation } from '../../simulate/generator.js';
import { runSimulation } from '../../simulate/run-simulation.js';
import { SourceWriter } from '../../simulate/source-writer.js';
import { commandContext } from '../command-context.js';

interface SimulateOptions {
  sources?: string;
  rate: number;
  seed: number;
  demands?: number;
  keyBase?: number;
  collector?: string;
  createTables: boolean;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/**
 * `quoteflow simulate`: a market of brokers writing quotes and bookings into the source databases
 * of the config (with each source's own column mapping) and a website sending page views and
 * clicks to the collector. Powers the demo (`docker compose --profile demo up`), development and
 * benchmarks; runs until SIGTERM or SIGINT, or until --demands are done.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('write simulated quotes, bookings and web events into the configured sources and collector')
    .option('--sources <names>', 'comma-separated source names to write to (default: every enabled source)')
    .option('--rate <n>', 'new customer demands per second', positiveNumber, 1)
    .option('--seed <n>', 'random seed: the same seed gives the same data', integer, 1)
    .option(
      '--demands <n>',
      'stop after this many demands and their follow-ups (default: run until stopped)',
      integer,
    )
    .option(
      '--key-base <n>',
      'first primary key of the rows (default: from the clock, so reruns never collide)',
      integer,
    )
    .option(
      '--collector <url>',
      'collector base URL for web events (default $SIMULATE_COLLECTOR_URL; none: no events); ' +
        'the write key comes from $SIMULATE_WRITE_KEY',
    )
    .option('--no-create-tables', 'do not create missing source tables')
    .action(async (options: SimulateOptions, command: Command) => {
      const { config } = await commandContext(command, 'simulate');
      const logger = createLogger({ level: config.log.level, name: 'simulate' });
      const wanted = options.sources
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const sources = config.sources.filter((s) => (wanted ? wanted.includes(s.name) : s.enabled));
      const unknown = (wanted ?? []).filter((name) => !config.sources.some((s) => s.name === name));
      if (unknown.length > 0)
        throw new InvalidArgumentError(`--sources: no source named ${unknown.join(', ')} in the config`);
      if (sources.length === 0)
        throw new InvalidArgumentError(
          'no source to write to: enable one in sources[] or name it with --sources',
        );

      const collectorUrl = options.collector ?? process.env.SIMULATE_COLLECTOR_URL;
      const writeKey = process.env.SIMULATE_WRITE_KEY ?? '';
      if (collectorUrl && writeKey === '') {
        throw new InvalidArgumentError('SIMULATE_WRITE_KEY: required to send events to the collector');
      }

      const controller = new AbortController();
      const shutdown = new Shutdown({ logger }).install();
      shutdown.add('simulation', () => {
        controller.abort();
      });
      const writers = sources.map((source) => new SourceWriter(source, createSourceDb(source, logger)));
      shutdown.add('source databases', async () => {
        await Promise.all(writers.map((writer) => writer.close()));
      });
      if (options.createTables) {
        for (const writer of writers) {
          const created = await writer.createTables();
          if (created.length > 0)
            logger.info({ source: writer.name, tables: created }, 'created source tables');
        }
      }

      const simulation = new Simulation({
        seed: options.seed,
        brokers: sources.map((s) => s.name),
        keyBase: options.keyBase ?? Date.now() * 1000,
        currency: sources[0]?.tables.quotes?.defaultCurrency ?? 'EUR',
      });
      logger.info(
        {
          sources: sources.map((s) => s.name),
          rate: options.rate,
          seed: options.seed,
          events: Boolean(collectorUrl),
        },
        'simulation started',
      );
      const totals = await runSimulation({
        simulation,
        writers,
        events: collectorUrl ? new EventSender({ collectorUrl, writeKey }) : undefined,
        rate: options.rate,
        demands: options.demands,
        signal: controller.signal,
        logger,
      });
      logger.info(totals, 'simulation finished');
      await shutdown.run('simulation finished');
    });
}
