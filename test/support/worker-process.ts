import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, services } from './services.js';

/**
 * A real `quoteflow worker` process (tsx over the sources) reading `worker:` settings from a
 * config file written into `dir`, against the test Redis and Kafka and the given RethinkDB URL.
 * `output()` is what it printed; `exited` resolves with the signal that ended it.
 */
export async function spawnWorkerProcess(options: {
  dir: string;
  queuePrefix: string;
  workerYaml: string;
  rethinkdbUrl: string;
}): Promise<{ child: ChildProcess; output: () => string; exited: Promise<NodeJS.Signals | null> }> {
  const file = join(options.dir, 'quoteflow.yaml');
  await writeFile(
    file,
    `worker:\n  queuePrefix: ${options.queuePrefix}\n  httpPort: 0\n${options.workerYaml}\n`,
  );
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')),
  );
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '-c', file, 'worker'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      QF_RETHINKDB_URL: options.rethinkdbUrl,
      QF_REDIS_URL: services.redisUrl,
      QF_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => {
      resolve(signal);
    }),
  );
  return { child, output: () => output, exited };
}
