import { execFile } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ContainerState {
  id: string;
  service: string;
  status: string;
  exitCode: number;
  health: string | undefined;
  restartCount: number;
  startedAt: string;
  /** Host process id of the container's first process (its init with `init: true`). */
  pid: number;
}

/**
 * One compose project driven through Debian's docker-compose 1.29 and, for what its CLI does not
 * report reliably across Docker and Podman (health, exit codes, restarts), the engine's Docker API.
 */
export class ComposeStack {
  private readonly socketPath: string;

  constructor(
    readonly project: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    if (!host.startsWith('unix://'))
      throw new Error(`DOCKER_HOST ${host}: only unix sockets are supported here`);
    this.socketPath = host.slice('unix://'.length);
  }

  /** Runs docker-compose for this project; rejects with its output when it exits non-zero. */
  async compose(args: string[], timeoutMs = 600_000): Promise<string> {
    const argv = [
      '-p',
      this.project,
      '-f',
      path.join(repoRoot, 'compose.yaml'),
      '--profile',
      'demo',
      ...args,
    ];
    try {
      const { stdout } = await execFileAsync('docker-compose', argv, {
        cwd: repoRoot,
        env: this.env,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `docker-compose ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
      );
    }
  }

  /** GET on the engine's Docker API. */
  async api<T>(pathAndQuery: string, method = 'GET'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path: pathAndQuery, method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) {
            reject(new Error(`${method} ${pathAndQuery}: HTTP ${res.statusCode} ${text}`));
          } else {
            resolve((text === '' ? undefined : JSON.parse(text)) as T);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  async containers(): Promise<ContainerState[]> {
    const filters = encodeURIComponent(
      JSON.stringify({ label: [`com.docker.compose.project=${this.project}`] }),
    );
    const list = await this.api<{ Id: string; Labels: Record<string, string> }[]>(
      `/containers/json?all=true&filters=${filters}`,
    );
    const states: ContainerState[] = [];
    for (const item of list) {
      const info = await this.api<{
        State: {
          Status: string;
          ExitCode: number;
          Health?: { Status: string };
          StartedAt: string;
          Pid: number;
        };
        RestartCount: number;
      }>(`/containers/${item.Id}/json`);
      states.push({
        id: item.Id,
        service: item.Labels['com.docker.compose.service'] ?? '?',
        status: info.State.Status,
        exitCode: info.State.ExitCode,
        health: info.State.Health?.Status || undefined,
        restartCount: info.RestartCount,
        startedAt: info.State.StartedAt,
        pid: info.State.Pid,
      });
    }
    return states;
  }

  async volumes(): Promise<string[]> {
    const { Volumes } = await this.api<{ Volumes: { Name: string }[] | null }>('/volumes');
    return (Volumes ?? []).map((v) => v.Name).filter((name) => name.startsWith(`${this.project}-`));
  }

  /** The last lines of every container's log, for a failure message (read through the engine's API). */
  async logs(lines = 40): Promise<string> {
    const out: string[] = [];
    for (const container of await this.containers().catch(() => [])) {
      const raw = await this.rawLogs(container.id, lines).catch((e: unknown) => String(e));
      out.push(`--- ${container.service} (${container.status}, exit ${container.exitCode})`, raw);
    }
    return out.join('\n');
  }

  /** A container's log; without a TTY the engine frames it in 8-byte headers, which are dropped. */
  private rawLogs(id: string, lines: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        { socketPath: this.socketPath, path: `/containers/${id}/logs?stdout=true&stderr=true&tail=${lines}` },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const data = Buffer.concat(chunks);
            const text: string[] = [];
            let at = 0;
            while (at + 8 <= data.length && data[at + 1] === 0 && (data[at] === 1 || data[at] === 2)) {
              const size = data.readUInt32BE(at + 4);
              text.push(data.subarray(at + 8, at + 8 + size).toString('utf8'));
              at += 8 + size;
            }
            resolve(at === 0 ? data.toString('utf8') : text.join(''));
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with the last reason. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 2000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'not yet';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached within ${timeoutMs / 1000} s (last: ${String(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
