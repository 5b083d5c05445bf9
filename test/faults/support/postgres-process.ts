import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startListening, stopChild } from './child-service.js';

const run = promisify(execFile);

/**
 * A private PostgreSQL cluster (initdb in a temporary directory, trust auth, wal_level=logical) on
 * its own port, for fault tests that restart the database under change data capture while the
 * shared server keeps serving every other test. Postgres refuses to run as root, so it runs as the
 * `postgres` user the Debian package created. `stop('immediate')` is a crash,
 * `stop('fast')` a clean shutdown.
 */
export class PostgresProcess {
  private child: ChildProcess | undefined;
  private dir: string | undefined;

  constructor(readonly port: number) {}

  get connection() {
    return { host: '127.0.0.1', port: this.port, user: 'postgres', password: '', database: 'postgres' };
  }

  async start(): Promise<void> {
    const bin = await binDir();
    if (!this.dir) {
      this.dir = await mkdtemp(path.join(tmpdir(), 'qf-postgres-'));
      await chown(this.dir, ...(await postgresUser()));
      await run('runuser', [
        '-u',
        'postgres',
        '--',
        path.join(bin, 'initdb'),
        '-D',
        this.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
      ]);
    }
    const started = await startListening(
      'the private PostgreSQL server',
      'runuser',
      [
        '-u',
        'postgres',
        '--',
        path.join(bin, 'postgres'),
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-k',
        this.dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'wal_level=logical',
        '-c',
        'max_replication_slots=10',
        '-c',
        'max_wal_senders=10',
      ],
      this.port,
      60_000,
    );
    this.child = started.child;
  }

  /**
   * Stops the server through pg_ctl: `immediate` is a crash (no checkpoint; recovery replays the
   * WAL at the next start), `fast` a clean shutdown. (runuser does not pass a SIGKILL on.)
   */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const pgCtl = path.join(await binDir(), 'pg_ctl');
    await run('runuser', ['-u', 'postgres', '--', pgCtl, '-D', this.dataDir, '-m', mode, '-w', 'stop']);
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => stopChild(this.child, 'SIGKILL'));
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private get dataDir(): string {
    return path.join(this.dir ?? '', 'data');
  }
}

async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return path.join('/usr/lib/postgresql', newest, 'bin');
}

async function postgresUser(): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: group } = await run('id', ['-g', 'postgres']);
  return [Number(stdout.trim()), Number(group.trim())];
}
