import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { HttpSession } from '../../support/http-session.js';
import { repoRoot, services, uniqueName } from '../../support/services.js';
import { dropTestDatabase, rethinkdbUrlFor } from '../../support/test-rethinkdb.js';

const cli = join(repoRoot, 'dist/cli/main.js');

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')));
  return { ...env, ...extra };
}

function runWithStdin(args: string[], env: NodeJS.ProcessEnv, stdin: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(new Error(`no line matching ${String(pattern)} in: ${seen}`));
    }, 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
}

describe('quoteflow user and dashboard commands (built CLI, real Redis and ReQL server)', function () {
  this.timeout(90_000);
  const db = uniqueName('qf_test_dashcli');
  const env = cleanEnv({
    QF_RETHINKDB_URL: rethinkdbUrlFor(db),
    QF_REDIS_URL: services.redisUrl,
    QF_DASHBOARD_HOST: '127.0.0.1',
    QF_DASHBOARD_PORT: '0',
    QF_DASHBOARD_SESSION_SECRET: 'cli-test-secret-0123456789-0123456789',
  });

  after(async () => {
    await dropTestDatabase(db);
  });

  it('should add a user from standard input, serve sign-in, and stop cleanly on SIGTERM', async () => {
    await promisify(execFile)(process.execPath, [cli, 'migrate', '--skip-kafka'], { env });
    const added = await runWithStdin(
      ['user', 'add', '--email', 'ops@example.com', '--role', 'admin', '--name', 'Ops'],
      env,
      'a long enough password\n',
    );
    expect(added, added.stderr).to.deep.include({ code: 0, stdout: 'added ops@example.com (admin)\n' });
    const duplicate = await runWithStdin(
      ['user', 'add', '--email', 'OPS@example.com', '--role', 'viewer'],
      env,
      'another password!\n',
    );
    expect(duplicate.code).to.equal(1);
    expect(duplicate.stderr).to.contain('email: a user with this email exists');
    const weak = await runWithStdin(
      ['user', 'add', '--email', 'x@example.com', '--role', 'viewer'],
      env,
      'short\n',
    );
    expect(weak.stderr).to.contain('password: must have at least 12 characters').and.not.contain('short');

    const dashboard = spawn(process.execPath, [cli, 'dashboard'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const listening = await waitForLine(dashboard, /dashboard listening/);
      const port = (JSON.parse(listening) as { port: number }).port;
      const browser = new HttpSession(`http://127.0.0.1:${port}`);
      const signIn = await browser.request('POST', '/login', {
        json: { email: 'ops@example.com', password: 'a long enough password' },
      });
      expect(signIn.status).to.equal(200);
      expect((await browser.request('GET', '/api/v1/me')).json?.user).to.include({
        id: 'ops@example.com',
        role: 'admin',
      });
      const exited = new Promise<number | null>((resolve) => dashboard.once('exit', resolve));
      dashboard.kill('SIGTERM');
      expect(await exited).to.equal(0);
    } finally {
      dashboard.kill('SIGKILL');
    }
  });

  it('should refuse to start without a session secret, naming the key', async () => {
    const result = await runWithStdin(['dashboard'], { ...env, QF_DASHBOARD_SESSION_SECRET: '' }, '');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('dashboard.sessionSecret: required to run the dashboard');
  });
});
