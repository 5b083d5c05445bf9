/**
 * Quoteflow's connectors under measurement: `quoteflow connectors` as a child process with a config
 * of one log-mode source reading the bench's table into the bench's topic. The same command a user
 * runs; `cpuProfileDir` adds `node --cpu-prof` so the profile shows where its time goes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { ChildEngine } from './child-engine.js';
import { benchColumns, type Client, type Connection } from './source-rows.js';

const repoRoot = join(import.meta.dirname, '..', '..');

export interface QuoteflowRun {
  client: Client;
  connection: Connection;
  /** The source's name: its slot and publication are `qf_<name>` (Postgres), dropped by the caller. */
  source: string;
  table: string;
  brokers: string[];
  topics: { quotes: string; bookings: string; dlq: string; offsets: string };
  cpuProfileDir?: string;
}

/** Starts the child; `stop()` on the result ends it, then its config directory is removed. */
export async function startQuoteflow(
  run: QuoteflowRun,
): Promise<ChildEngine & { removeConfig(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'qf-bench-cdc-'));
  const configFile = join(dir, 'quoteflow.yaml');
  await writeFile(
    configFile,
    YAML.stringify({
      kafka: {
        brokers: run.brokers,
        topics: {
          quotes: { name: run.topics.quotes },
          bookings: { name: run.topics.bookings },
          dlq: { name: run.topics.dlq },
        },
      },
      // Status is published once an hour: the bench measures CDC into Kafka, not RethinkDB writes
      // (a database of its own that is never created, so the shared one is left alone).
      rethinkdb: { url: `rethinkdb://127.0.0.1:28015/${run.source.replace(/-/g, '_')}` },
      connectors: { offsetsTopic: run.topics.offsets, httpPort: 0, statusIntervalMs: 3_600_000 },
      sources: [
        {
          name: run.source,
          client: run.client,
          mode: 'log',
          connection: run.connection,
          timezone: 'Europe/Rome',
          tables: { quotes: { table: run.table, columns: benchColumns } },
        },
      ],
    }),
  );
  const profile = run.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', run.cpuProfileDir];
  const child = new ChildEngine(
    'Quoteflow',
    process.execPath,
    [...profile, '--import', 'tsx', 'cli/main.ts', '--config', configFile, 'connectors'],
    { cwd: repoRoot, env: { ...process.env, QF_LOG_LEVEL: 'warn' } },
  );
  return Object.assign(child, { removeConfig: () => rm(dir, { recursive: true, force: true }) });
}
