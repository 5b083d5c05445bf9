import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { portAnswers } from './port-answers.js';
import { waitFor } from './wait-for.js';

/**
 * A private RethinkDB server on its own port and data directory, for tests that must stop and
 * restart the database (the shared one from `npm run services` must stay up for the other tests).
 * It runs the executable `test/services/rethinkdb.sh` chose (recorded in its `server-path`).
 * `stop()` is a SIGKILL, as a crash would be; `start()` again reuses the same data directory.
 */
export class RethinkdbProcess {
  private child: ChildProcess | undefined;
  private dataDir: string | undefined;

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const executable = await serverPath();
    this.dataDir ??= await mkdtemp(path.join(tmpdir(), 'qf-rethinkdb-'));
    const child = spawn(
      executable,
      [
        '--no-http-admin',
        '--no-update-check',
        '--bind',
        '127.0.0.1',
        '--driver-port',
        String(this.port),
        '--cluster-port',
        String(this.port + 1000),
        '--directory',
        path.join(this.dataDir, 'data'),
        '--cache-size',
        '128',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitFor(
      `rethinkdb to listen on ${this.port}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`rethinkdb on ${this.port} exited with ${child.exitCode}`);
        return portAnswers(this.port);
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the server and removes its data directory. */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    this.dataDir = undefined;
  }
}

async function serverPath(): Promise<string> {
  const servicesDir = process.env.QF_SERVICES_DIR ?? path.join(homedir(), '.cache', 'quoteflow-services');
  const file = path.join(servicesDir, 'rethinkdb', 'server-path');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new Error(`${file} is missing: run \`npm run services\` first (it picks the RethinkDB executable)`);
  }
}
