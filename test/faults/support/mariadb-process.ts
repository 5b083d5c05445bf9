import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startListening, stopChild } from './child-service.js';

const run = promisify(execFile);

/**
 * A private MariaDB server (its own data directory, root without a password, a ROW binlog as the
 * binlog connector needs) on its own port, for fault tests that restart the database under change
 * data capture while the shared server keeps serving every other test. `stop('SIGKILL')` is a
 * crash, `stop('SIGTERM')` a clean shutdown; `start()` again keeps the data and the binlog.
 */
export class MariadbProcess {
  private child: ChildProcess | undefined;
  private dir: string | undefined;

  constructor(readonly port: number) {}

  get connection() {
    return { host: '127.0.0.1', port: this.port, user: 'root', password: '', database: 'test' };
  }

  async start(): Promise<void> {
    const fresh = !this.dir;
    if (!this.dir) {
      this.dir = await mkdtemp(path.join(tmpdir(), 'qf-mariadb-'));
      await run('mariadb-install-db', [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ]);
    }
    const started = await startListening(
      'the private MariaDB server',
      'mariadbd',
      [
        '--no-defaults',
        '--user=root',
        `--datadir=${this.dataDir}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${path.join(this.dir, 'mariadb.sock')}`,
        `--log-bin=${path.join(this.dataDir, 'binlog')}`,
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--server-id=1',
        '--innodb-buffer-pool-size=64M',
      ],
      this.port,
      60_000,
    );
    this.child = started.child;
    if (fresh) {
      await run('mariadb', ['-h127.0.0.1', `-P${this.port}`, '-uroot', '-e', 'CREATE DATABASE test']);
    }
  }

  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    return stopChild(this.child, signal);
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private get dataDir(): string {
    return path.join(this.dir ?? '', 'data');
  }
}
