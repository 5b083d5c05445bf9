import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../../../lib/config/load-config.js';
import type { Config, SourceConfig } from '../../../lib/config/schema.js';
import { RethinkdbProcess } from '../../support/rethinkdb-process.js';
import { repoRoot, services } from '../../support/services.js';
import { freePort } from '../../integration/connectors/tcp-proxy.js';
import { waitFor } from '../../support/wait-for.js';
import { stopChild } from './child-service.js';
import { KafkaProcess } from './kafka-process.js';
import { MariadbProcess } from './mariadb-process.js';
import { PostgresProcess } from './postgres-process.js';

const run = promisify(execFile);

export type ServiceName = 'collector' | 'connectors' | 'processor' | 'dashboard';
export const SERVICES: readonly ServiceName[] = ['collector', 'connectors', 'processor', 'dashboard'];

export const WRITE_KEY = 'fault-write-key';
const VIEWER = { email: 'fault-viewer@example.com', password: 'fault viewer password 1' };

/**
 * A whole appliance on this machine for the fault suite: a private Kafka broker, RethinkDB server,
 * PostgreSQL and MariaDB server (so the suite may stop and crash them while the shared services
 * keep serving other tests), the shared Redis, and `quoteflow collector|connectors|processor|
 * dashboard` as child processes on one config file, as the compose stack runs them. Two broker
 * sources with the demo's mappings read their databases in log mode (Postgres logical
 * replication, MariaDB binlog).
 */
export class FaultLab {
  readonly kafka: KafkaProcess;
  readonly rethinkdb: RethinkdbProcess;
  readonly postgres: PostgresProcess;
  readonly mariadb: MariadbProcess;
  readonly children = new Map<ServiceName, ChildProcess>();
  config!: Config;
  configFile = '';
  collectorUrl = '';
  dashboardUrl = '';
  apiToken = '';
  private dir = '';
  private readonly output = new Map<ServiceName, string>();

  private constructor(ports: { kafka: number; rethinkdb: number; postgres: number; mariadb: number }) {
    this.kafka = new KafkaProcess(ports.kafka);
    this.rethinkdb = new RethinkdbProcess(ports.rethinkdb);
    this.postgres = new PostgresProcess(ports.postgres);
    this.mariadb = new MariadbProcess(ports.mariadb);
  }

  static async create(): Promise<FaultLab> {
    return new FaultLab({
      // Kafka's controller listens on port + 1, RethinkDB's cluster port is port + 1000.
      kafka: await freePortWithSecond(1),
      rethinkdb: await freePortWithSecond(1000),
      postgres: await freePort(),
      mariadb: await freePort(),
    });
  }

  get sources(): SourceConfig[] {
    return this.config.sources;
  }

  /** Starts the four private servers, writes the config, migrates, and starts the services. */
  async setUp(): Promise<void> {
    this.dir = await mkdtemp(path.join(tmpdir(), 'qf-faults-'));
    await Promise.all([this.rethinkdb.start(), this.postgres.start(), this.mariadb.start()]);
    await this.kafka.start();
    const collectorPort = await freePort();
    const dashboardPort = await freePort();
    this.collectorUrl = `http://127.0.0.1:${collectorPort}`;
    this.dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
    const text = JSON.stringify(
      await this.configDocument(collectorPort, dashboardPort, path.join(this.dir, 'spool')),
      null,
      2,
    );
    this.configFile = path.join(this.dir, 'quoteflow.yaml');
    await writeFile(this.configFile, text);
    const { config, warnings } = parseConfig(text, {});
    if (warnings.length > 0) throw new Error(warnings.join('; '));
    this.config = config;
    await this.cli(['migrate']);
    await this.cli(['user', 'add', '--email', VIEWER.email, '--role', 'viewer'], {
      QF_USER_PASSWORD: VIEWER.password,
    });
    this.apiToken = (await this.cli(['user', 'token', '--email', VIEWER.email])).trim();
  }

  async tearDown(): Promise<void> {
    await Promise.all([...this.children.values()].map((child) => stopChild(child, 'SIGKILL')));
    await Promise.all([
      this.kafka.destroy(),
      this.rethinkdb.destroy(),
      this.postgres.destroy(),
      this.mariadb.destroy(),
    ]);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  /** Starts `quoteflow <name>` on the lab's config (resolves once it is spawned). */
  start(name: ServiceName): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', name], {
      cwd: repoRoot,
      env: {
        ...process.env,
        QF_CONFIG: this.configFile,
        QF_LOG_LEVEL: process.env.QF_TEST_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output.set(name, ((this.output.get(name) ?? '') + chunk.toString()).slice(-2_000_000));
      if (process.env.QF_TEST_VERBOSE) process.stderr.write(`[${name}] ${chunk.toString()}`);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (code, signal) => {
      keep(Buffer.from(`[lab] quoteflow ${name} exited (${String(code ?? signal)})\n`));
    });
    this.children.set(name, child);
    return child;
  }

  /** Resolves once the collector is ready and the dashboard answers (both just started). */
  async waitUntilServing(timeoutMs = 120_000): Promise<void> {
    const answers = async (url: string) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await response.text();
        return response.status === 200;
      } catch {
        return false;
      }
    };
    await waitFor('the collector to be ready', () => answers(`${this.collectorUrl}/readyz`), {
      timeoutMs,
      intervalMs: 250,
    });
    await waitFor('the dashboard to answer', () => answers(`${this.dashboardUrl}/healthz`), {
      timeoutMs,
      intervalMs: 250,
    });
  }

  /** SIGKILLs a service (a crash: no shutdown hook runs) and starts it again at once. */
  async crashAndRestart(name: ServiceName): Promise<void> {
    await stopChild(this.children.get(name), 'SIGKILL');
    this.start(name);
  }

  /** The last lines a service printed, for a failure message. */
  logs(name: ServiceName): string {
    return this.output.get(name) ?? '';
  }

  /** Runs a one-shot `quoteflow` command on the lab's config; rejects with its output on failure. */
  async cli(args: string[], env: Record<string, string> = {}): Promise<string> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, QF_CONFIG: this.configFile, QF_LOG_LEVEL: 'warn', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  /** `quoteflow check`: the exit code and what it printed. */
  async check(): Promise<{ clean: boolean; output: string }> {
    try {
      return { clean: true, output: await this.cli(['check']) };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      return { clean: false, output: `${failed.stdout ?? ''}${failed.stderr ?? failed.message}` };
    }
  }

  private async configDocument(collectorPort: number, dashboardPort: number, spoolDir: string) {
    const demo = parseConfig(await readFile(path.join(repoRoot, 'config', 'demo.yaml'), 'utf8'), {
      DEMO_DB_HOST: '127.0.0.1',
    }).config.sources;
    const [first, second] = demo;
    if (!first || !second) throw new Error('config/demo.yaml has fewer than two sources');
    const logSource = (source: SourceConfig, client: 'postgres' | 'mysql', connection: object) => ({
      name: source.name,
      client,
      mode: 'log',
      connection,
      timezone: source.timezone,
      tables: source.tables,
    });
    const topic = (name: string, partitions: number) => ({ name, partitions, replicationFactor: 1 });
    return {
      kafka: {
        brokers: this.kafka.brokers,
        topics: {
          events: topic('qf.events', 3),
          quotes: topic('qf.quotes', 3),
          bookings: topic('qf.bookings', 3),
          dlq: topic('qf.dlq', 1),
        },
      },
      rethinkdb: { url: `rethinkdb://127.0.0.1:${this.rethinkdb.port}/quoteflow`, reconnectMaxDelayMs: 2000 },
      redis: { url: services.redisUrl },
      log: { level: 'warn' },
      collector: {
        host: '127.0.0.1',
        port: collectorPort,
        projects: [{ name: 'fault-site', writeKeys: [WRITE_KEY] }],
        spool: { dir: spoolDir },
        produceDeadlineMs: 1000,
      },
      processor: { groupId: 'qf-faults-processor', metricsPort: 0, sessionTimeoutMs: 10_000 },
      connectors: {
        httpPort: 0,
        reconnectInitialDelayMs: 250,
        reconnectMaxDelayMs: 2000,
        statusIntervalMs: 1000,
      },
      dashboard: {
        host: '127.0.0.1',
        port: dashboardPort,
        sessionSecret: 'fault-suite session secret, not a real one',
      },
      sources: [
        logSource(first, 'postgres', this.postgres.connection),
        logSource(second, 'mysql', this.mariadb.connection),
      ],
    };
  }
}

/** A free port such that port + `offset` is free too (servers that listen on a second port). */
export async function freePortWithSecond(offset: number): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + offset <= 65_535 && (await canListen(port + offset))) return port;
  }
}

async function canListen(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}
