import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { Admin, Producer } from 'kafkajs';
import r from 'rethinkdb';
import { parseConfig } from '../../lib/config/load-config.js';
import type { Config } from '../../lib/config/schema.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { ensureTopics, standardTopics } from '../../lib/kafka/topics.js';
import { migrate } from '../../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../../lib/rethinkdb/tables.js';
import { normaliseStation } from '../../lib/resolution/normalise.js';
import type { CheckReport } from '../../processor/check.js';
import { checkStore } from '../../processor/check.js';
import type { ResolutionLine } from '../../processor/core/resolution-output.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import type { BookingDoc, QuoteDoc } from '../../processor/store/documents.js';
import type { TripRecord } from './trip-arbitraries.js';
import { repoRoot, services, uniqueName } from './services.js';
import { silentLogger } from './silent-logger.js';
import { waitFor } from './wait-for.js';

/**
 * A private deployment for processor tests on the shared Kafka and ReQL server: its own topics,
 * consumer group and database, processors run as child processes (`quoteflow processor`).
 */
export class ProcessorHarness {
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly client: RethinkdbClient;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly children = new Set<ChildProcess>();

  /** `rethinkdbUrl`: another server than the shared one (e.g. a private one a test kills). */
  constructor(options: { rethinkdbUrl?: string } = {}) {
    const prefix = uniqueName('qf.test.proc');
    const db = uniqueName('qf_test_proc').replaceAll('.', '_');
    this.env = {
      QF_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      QF_KAFKA_TOPICS_QUOTES_NAME: `${prefix}.quotes`,
      QF_KAFKA_TOPICS_QUOTES_PARTITIONS: '3',
      QF_KAFKA_TOPICS_BOOKINGS_NAME: `${prefix}.bookings`,
      QF_KAFKA_TOPICS_BOOKINGS_PARTITIONS: '3',
      QF_KAFKA_TOPICS_EVENTS_NAME: `${prefix}.events`,
      QF_KAFKA_TOPICS_EVENTS_PARTITIONS: '2',
      QF_KAFKA_TOPICS_DLQ_NAME: `${prefix}.dlq`,
      QF_RETHINKDB_URL: `${(options.rethinkdbUrl ?? services.rethinkdbUrl).replace(/\/[^/]*$/, '')}/${db}`,
      QF_PROCESSOR_GROUP_ID: `${prefix}.group`,
      QF_PROCESSOR_METRICS_PORT: '0',
      QF_PROCESSOR_SESSION_TIMEOUT_MS: '10000',
      QF_LOG_LEVEL: process.env.QF_TEST_LOG_LEVEL ?? 'warn',
    };
    const { config, warnings } = parseConfig('', this.env);
    // A misspelt QF_ variable is ignored with a warning: here it would quietly test something else.
    if (warnings.length > 0) throw new Error(warnings.join('; '));
    this.config = config;
    const kafka = createKafka(this.config.kafka, silentLogger);
    this.admin = kafka.admin();
    this.producer = kafka.producer({ idempotent: true });
    this.client = RethinkdbClient.fromConfig(this.config.rethinkdb, silentLogger, 10_000);
  }

  get topics(): Config['kafka']['topics'] {
    return this.config.kafka.topics;
  }

  async setUp(): Promise<void> {
    await this.admin.connect();
    await this.producer.connect();
    await ensureTopics(this.admin, standardTopics(this.config.kafka), silentLogger);
    await migrate(this.client, TABLES, silentLogger);
  }

  async tearDown(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    await this.producer.disconnect();
    await this.admin
      .deleteTopics({ topics: Object.values(this.topics).map((topic) => topic.name) })
      .catch(() => undefined);
    await this.admin.disconnect();
    await this.client.run(r.dbDrop(this.client.db)).catch(() => undefined);
    await this.client.close();
  }

  /** Starts `quoteflow processor` as a child process. */
  startProcessor(): ChildProcess {
    return this.spawnChild(['cli/main.ts', 'processor'], {});
  }

  /**
   * Starts a processor whose `batch`-th batch stops after its soft writes, before their sync and
   * its offset commit (test/support/processor-paused-before-sync.ts); resolves once it is there.
   */
  async startPausedBeforeSync(batch: number, timeoutMs = 120_000): Promise<ChildProcess> {
    const marker = 'paused before sync';
    const child = this.spawnChild(['test/support/processor-paused-before-sync.ts'], {
      QF_TEST_PAUSE_AT_SYNC: String(batch),
      QF_TEST_PAUSE_MARKER: marker,
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        reject(new Error(`the processor did not reach batch ${batch}'s sync within ${timeoutMs} ms`));
      }, timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(marker)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the processor exited (${String(code ?? signal)}) before batch ${batch}'s sync`));
      });
    });
    return child;
  }

  private spawnChild(args: string[], env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // QF_TEST_VERBOSE=1 shows the processors' logs (pino writes to stdout) and errors.
    child.stdout.on('data', (chunk: Buffer) => {
      if (process.env.QF_TEST_VERBOSE) process.stderr.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (process.env.QF_TEST_VERBOSE) process.stderr.write(chunk);
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Quotes and bookings keyed by their normalised stations, as the connectors key them. */
  async produceTrips(records: readonly TripRecord[], stationsOf: Map<string, string>): Promise<void> {
    const messages = {
      quote: [] as { key: string; value: string }[],
      booking: [] as { key: string; value: string }[],
    };
    for (const record of records) {
      let key = stationsOf.get(record.id);
      if (record.op === 'upsert') {
        key = `${normaliseStation(record.pickup.station)}|${normaliseStation(record.dropoff.station)}`;
        stationsOf.set(record.id, key);
      }
      messages[record.kind].push({ key: key ?? record.id, value: JSON.stringify(record) });
    }
    await this.producer.send({ topic: this.topics.quotes.name, acks: -1, messages: messages.quote });
    await this.producer.send({ topic: this.topics.bookings.name, acks: -1, messages: messages.booking });
  }

  async produceRaw(topic: string, values: readonly string[]): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: values.map((value, i) => ({ key: String(i), value })),
    });
  }

  /** Resolves when the group has committed everything the three input topics hold. */
  async waitUntilCaughtUp(timeoutMs = 60_000): Promise<void> {
    const topics = [this.topics.quotes.name, this.topics.bookings.name, this.topics.events.name];
    let behind = 0;
    await waitFor(
      'the processor to commit every input message',
      async () => {
        const ends = new Map<string, string>();
        for (const topic of topics) {
          for (const p of await this.admin.fetchTopicOffsets(topic))
            ends.set(`${topic}:${p.partition}`, p.high);
        }
        const committed = await this.admin.fetchOffsets({ groupId: this.config.processor.groupId, topics });
        behind = committed.flatMap(({ topic, partitions }) =>
          partitions.filter((p) => {
            const end = ends.get(`${topic}:${p.partition}`) ?? '0';
            return end !== '0' && p.offset !== end;
          }),
        ).length;
        return behind === 0;
      },
      { timeoutMs, intervalMs: 250 },
    ).catch((error: unknown) => {
      throw new Error(`processor still behind on ${behind} partitions`, { cause: error });
    });
  }

  async committedCount(): Promise<number> {
    const topics = [this.topics.quotes.name, this.topics.bookings.name];
    const committed = await this.admin.fetchOffsets({ groupId: this.config.processor.groupId, topics });
    return committed.flatMap((t) => t.partitions).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  async groupMembers(): Promise<number> {
    const { groups } = await this.admin.describeGroups([this.config.processor.groupId]);
    return groups[0]?.members.length ?? 0;
  }

  async table<T>(name: string): Promise<T[]> {
    return (await this.client.run(r.db(this.client.db).table(name).coerceTo('array'))) as T[];
  }

  /** `quoteflow check` over this deployment's database. */
  async check(): Promise<CheckReport> {
    const { resolution, sources, kpi } = this.config;
    return checkStore(this.client, resolutionRules(resolution, sources), kpi.timezone);
  }

  /** The stored resolution in `quoteflow resolve`'s output format. */
  async storedLines(): Promise<ResolutionLine[]> {
    const quotes = await this.table<QuoteDoc>('quotes');
    const bookings = await this.table<BookingDoc>('bookings');
    const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return [
      ...quotes
        .sort(byId)
        .map((doc): ResolutionLine => ({ type: 'quote', id: doc.id, clusterId: doc.clusterId })),
      ...bookings.sort(byId).map((doc): ResolutionLine => ({
        type: 'booking',
        id: doc.id,
        quoteId: doc.quoteId,
        clusterId: doc.clusterId,
      })),
    ];
  }

  /** Reads the first `count` messages of the DLQ topic. */
  async readDlq(count: number): Promise<{ reason: string; topic: string }[]> {
    const kafka = createKafka(this.config.kafka, silentLogger);
    const consumer = kafka.consumer({ groupId: uniqueName('qf-test-dlq') });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.dlq.name, fromBeginning: true });
    const entries: { reason: string; topic: string }[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`read ${entries.length} of ${count} DLQ messages`));
        }, 30_000);
        void consumer.run({
          eachMessage: ({ message }) => {
            entries.push(JSON.parse(message.value?.toString() ?? '{}') as { reason: string; topic: string });
            if (entries.length >= count) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return entries;
  }
}
