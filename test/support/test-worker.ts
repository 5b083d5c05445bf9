import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import r from 'rethinkdb';
import type { CheckName } from '../../lib/alerts/alert.js';
import { CHECK_NAMES } from '../../lib/alerts/alert.js';
import { AlertStore } from '../../lib/alerts/alert-store.js';
import type { Config } from '../../lib/config/schema.js';
import { parseConfig } from '../../lib/config/load-config.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { createLogger } from '../../lib/logger.js';
import { createMetricsRegistry } from '../../lib/metrics.js';
import { createRedis } from '../../lib/redis.js';
import { migrate } from '../../lib/rethinkdb/migrate.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../../lib/rethinkdb/tables.js';
import { WorkerService } from '../../worker/worker-service.js';
import { services, uniqueName } from './services.js';
import { silentLogger } from './silent-logger.js';
import { testRethinkdbClient } from './test-rethinkdb.js';

/** A `checks:` section (under `worker:`) with every check disabled: a worker for reports, exports, the outbox. */
export function noChecks(): string {
  return ['  checks:', ...CHECK_NAMES.map((name) => `    ${name}: { enabled: false }`)].join('\n');
}

/**
 * A `checks:` section (under `worker:`) that runs only `check`, every second, with `settings`
 * (YAML flow-mapping entries such as `staleMinutes: 10`); every other check is disabled.
 */
export function onlyCheckEverySecond(check: CheckName, settings = ''): string {
  return [
    '  checks:',
    `    ${check}: { schedule: '* * * * * *'${settings === '' ? '' : `, ${settings}`} }`,
    ...CHECK_NAMES.filter((name) => name !== check).map((name) => `    ${name}: { enabled: false }`),
  ].join('\n');
}

/**
 * Workers against the real Redis (a queue prefix of their own) and RethinkDB (a database of its
 * own, migrated). Everything they log is kept in `logLines`, to check that no secret reaches it.
 */
export class TestWorkers {
  readonly db = uniqueName('qf_test_worker');
  readonly prefix = uniqueName('qftest');
  readonly rethink: RethinkdbClient;
  readonly alerts: AlertStore;
  readonly logLines: string[] = [];
  private readonly services: { service: WorkerService; redis: Redis }[] = [];
  private readonly logger = createLogger({
    level: 'debug',
    name: 'worker',
    destination: new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });

  constructor() {
    this.rethink = testRethinkdbClient(this.db);
    this.alerts = new AlertStore(this.rethink);
  }

  async migrate(): Promise<void> {
    await migrate(this.rethink, TABLES, silentLogger);
  }

  /** The config: the given YAML `worker:` section's children, this test's prefix, Kafka and Redis. */
  config(workerYaml: string): Config {
    const text = `worker:\n  queuePrefix: ${this.prefix}\n  httpPort: 0\n  statusIntervalMs: 200\n${workerYaml}`;
    return parseConfig(text, { QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') }).config;
  }

  /** Starts one more worker process-equivalent (its own Redis connection and registry). */
  async start(
    config: Config,
    instance: string,
  ): Promise<{ service: WorkerService; registry: ReturnType<typeof createMetricsRegistry>; redis: Redis }> {
    const redis = createRedis({ url: services.redisUrl }, silentLogger, { forBullmq: true });
    const registry = createMetricsRegistry('worker');
    const service = new WorkerService({
      config,
      redis,
      db: this.rethink,
      kafka: createKafka(config.kafka, silentLogger),
      logger: this.logger,
      registry,
      instance,
    });
    this.services.push({ service, redis });
    await service.start();
    return { service, registry, redis };
  }

  async putStatus(doc: Record<string, unknown>): Promise<void> {
    await this.rethink.run(r.db(this.db).table('pipeline_status').insert(doc, { conflict: 'replace' }));
  }

  async stopAll(): Promise<void> {
    for (const { service, redis } of this.services.splice(0)) {
      await service.stop();
      await redis.quit();
    }
  }

  /** Stops the workers, removes the test's queues from Redis and drops the database. */
  async close(): Promise<void> {
    await this.stopAll();
    const redis = createRedis({ url: services.redisUrl }, silentLogger);
    const keys = await redis.keys(`${this.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await this.rethink.run(r.dbDrop(this.db)).catch(() => undefined);
    await this.rethink.close();
  }
}
