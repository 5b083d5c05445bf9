/**
 * Processor benchmark (run, never asserted):
 * `npx tsx bench/processor.ts [--quotes N] [--stream N] [--resolve-only]`.
 *
 * 1. `quoteflow resolve` (resolveFiles, default worker threads) over a generated file of N quotes
 *    with their bookings, against reading and JSON-parsing the same files in one thread (the floor
 *    a single-threaded resolver pays). `--resolve-only` stops after this part (no services needed).
 * 2. The streaming path (ProcessorService → RethinkDB) over records in Kafka, against two
 *    baselines in the same run: Kafka consumption alone (a consumer group reading and
 *    JSON-parsing the same messages), and plain batched inserts into the same RethinkDB server
 *    (200 documents per query, hard durability: what a naive bulk loader does) of (a) the same
 *    records and (b) the documents the processor stores for them (records, clusters, tombstones,
 *    rollups, as TripSlot computes them), so (b) measures the write path's own cost.
 *    `--stream-only` skips part 1.
 * 3. Kafka-to-RethinkDB latency (message timestamp → batch written and committed), p50/p99, for a
 *    trickle of records produced while the processor is caught up.
 *
 * It names the ReQL server it measured (RethinkDB's own `server_status`).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Registry } from 'prom-client';
import r from 'rethinkdb';
import { parseConfig } from '../lib/config/load-config.js';
import { createKafka } from '../lib/kafka/kafka-client.js';
import { ensureTopics, standardTopics } from '../lib/kafka/topics.js';
import { migrate } from '../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import { TABLES } from '../lib/rethinkdb/tables.js';
import { normaliseStation } from '../lib/resolution/normalise.js';
import { resolutionRules } from '../lib/resolution/rules.js';
import { BucketClock } from '../processor/core/kpi/buckets.js';
import { StepTimer } from '../processor/pipeline/step-timer.js';
import { TripSlot } from '../processor/pipeline/trip-slot.js';
import { ProcessorService } from '../processor/processor-service.js';
import { defaultThreads, resolveFiles } from '../processor/resolve-files.js';
import { ProcessorStore } from '../processor/store/processor-store.js';
import { services, uniqueName } from '../test/support/services.js';
import { silentLogger } from '../test/support/silent-logger.js';
import { generateWorkload } from '../test/support/trip-workload.js';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const QUOTES = argument('quotes', 200_000);
const STREAM = argument('stream', 20_000);
const RESOLVE_ONLY = process.argv.includes('--resolve-only');
const STREAM_ONLY = process.argv.includes('--stream-only');
const INSERT_BATCH = 200;
const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

async function benchResolve(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'qf-bench-'));
  try {
    const quotes = join(dir, 'quotes.ndjson');
    const bookings = join(dir, 'bookings.ndjson');
    const files = { quote: createWriteStream(quotes), booking: createWriteStream(bookings) };
    const records = generateWorkload({ quotes: QUOTES, seed: 1 });
    for (const record of records) {
      if (!files[record.kind].write(`${JSON.stringify(record)}\n`)) await once(files[record.kind], 'drain');
    }
    for (const file of Object.values(files)) file.end();
    await Promise.all(Object.values(files).map((file) => once(file, 'finish')));
    const count = records.length;
    records.length = 0;

    let started = performance.now();
    let parsed = 0;
    for (const file of [quotes, bookings]) {
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        if (line !== '' && JSON.parse(line) !== null) parsed++;
      }
    }
    const baselineMs = performance.now() - started;

    started = performance.now();
    const rules = resolutionRules(parseConfig('', {}).config.resolution);
    const threads = defaultThreads();
    const result = await resolveFiles({ quotes, bookings, out: join(dir, 'out.ndjson'), rules, threads });
    const resolveMs = performance.now() - started;
    console.log(
      `resolve: ${QUOTES} quotes, ${count} records (${result.lines} live) in ${(resolveMs / 1000).toFixed(1)} s`,
    );
    console.log(`  read + JSON.parse only (baseline): ${rate(parsed, baselineMs)} records/s`);
    console.log(`  quoteflow resolve --threads ${threads}:   ${rate(result.records, resolveMs)} records/s`);
    console.log(`  ratio resolve / baseline: ${(baselineMs / resolveMs).toFixed(3)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchStreaming(): Promise<void> {
  const prefix = uniqueName('qf.bench.proc');
  const env = {
    QF_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    QF_KAFKA_TOPICS_QUOTES_NAME: `${prefix}.quotes`,
    QF_KAFKA_TOPICS_QUOTES_PARTITIONS: '3',
    QF_KAFKA_TOPICS_BOOKINGS_NAME: `${prefix}.bookings`,
    QF_KAFKA_TOPICS_BOOKINGS_PARTITIONS: '3',
    QF_KAFKA_TOPICS_EVENTS_NAME: `${prefix}.events`,
    QF_KAFKA_TOPICS_DLQ_NAME: `${prefix}.dlq`,
    QF_RETHINKDB_URL: `${services.rethinkdbUrl.replace(/\/[^/]*$/, '')}/${uniqueName('qf_bench')}`,
  };
  const { config } = parseConfig('', env);
  const kafka = createKafka(config.kafka, silentLogger);
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true });
  const client = RethinkdbClient.fromConfig(config.rethinkdb, silentLogger, 10_000);
  await admin.connect();
  await producer.connect();
  try {
    await ensureTopics(admin, standardTopics(config.kafka), silentLogger);
    await migrate(client, TABLES, silentLogger);
    const records = generateWorkload({ quotes: STREAM, seed: 2 });
    const send = async (batch: typeof records) => {
      const messages = {
        quote: [] as { key: string; value: string }[],
        booking: [] as { key: string; value: string }[],
      };
      const keys = new Map<string, string>();
      for (const record of batch) {
        if (record.op === 'upsert') {
          keys.set(
            record.id,
            `${normaliseStation(record.pickup.station)}|${normaliseStation(record.dropoff.station)}`,
          );
        }
        messages[record.kind].push({ key: keys.get(record.id) ?? record.id, value: JSON.stringify(record) });
      }
      await producer.send({ topic: config.kafka.topics.quotes.name, acks: -1, messages: messages.quote });
      await producer.send({ topic: config.kafka.topics.bookings.name, acks: -1, messages: messages.booking });
    };
    for (let i = 0; i < records.length; i += 5000) await send(records.slice(i, i + 5000));
    const total = records.length;
    const server = await serverVersion(client);

    // Baselines: plain batched inserts of the same records, and of the documents the processor
    // stores for them, into scratch tables of the same server.
    const plainInsert = async (docs: readonly object[]): Promise<number> => {
      const scratch = uniqueName('bench_inserts');
      await client.run(r.db(client.db).tableCreate(scratch));
      const started = performance.now();
      for (let i = 0; i < docs.length; i += INSERT_BATCH) {
        await client.run(
          r
            .db(client.db)
            .table(scratch)
            .insert(docs.slice(i, i + INSERT_BATCH), { conflict: 'replace' }),
        );
      }
      const ms = performance.now() - started;
      await client.run(r.db(client.db).tableDrop(scratch));
      return ms;
    };
    const insertMs = await plainInsert(records);
    const documents = await processorDocuments(records, config);
    const documentsMs = await plainInsert(documents);

    // Baseline: Kafka consumption alone.
    const consumer = kafka.consumer({ groupId: uniqueName('qf-bench-bare') });
    await consumer.connect();
    await consumer.subscribe({
      topics: [config.kafka.topics.quotes.name, config.kafka.topics.bookings.name],
      fromBeginning: true,
    });
    let consumed = 0;
    let bareStart = 0;
    const bareDone = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: ({ batch }) => {
          bareStart ||= performance.now();
          for (const message of batch.messages)
            if (JSON.parse(message.value?.toString() ?? 'null') !== null) consumed++;
          if (consumed >= total) resolve();
          return Promise.resolve();
        },
      });
    });
    await bareDone;
    const bareMs = performance.now() - bareStart;
    await consumer.disconnect();

    // The streaming path, in this process.
    let committed = 0;
    let streamStart = 0;
    const trickle: number[] = [];
    const measuring = { on: false };
    let onCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => {
      onCaughtUp = resolve;
    });
    const registry = new Registry();
    const service = new ProcessorService({
      registry,
      kafka,
      store: new ProcessorStore(client),
      logger: silentLogger,
      topics: config.kafka.topics,
      processor: { ...config.processor, groupId: uniqueName('qf-bench-proc') },
      rules: resolutionRules(config.resolution),
      kpiTimeZone: config.kpi.timezone,
      onCommitted: ({ timestamps }) => {
        streamStart ||= performance.now();
        committed += timestamps.length;
        if (measuring.on) for (const timestamp of timestamps) trickle.push(Date.now() - timestamp);
        if (committed >= total) onCaughtUp();
      },
    });
    const processStart = performance.now();
    await service.start();
    await caughtUp;
    const streamMs = performance.now() - (streamStart || processStart);

    // Latency of a trickle produced while caught up: 20 sends of 25 records, 100 ms apart.
    measuring.on = true;
    const extra = generateWorkload({ quotes: 400, seed: 3 });
    for (let i = 0; i < extra.length; i += 25) {
      await send(extra.slice(i, i + 25));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const deadline = Date.now() + 60_000;
    while (trickle.length < extra.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await service.stop();
    const sorted = [...trickle].sort((a, b) => a - b);
    const percentile = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

    const steps = (await registry.getSingleMetric('quoteflow_processor_step_seconds')?.get())?.values ?? [];
    const stepSums = steps
      .filter((value) => (value as { metricName?: string }).metricName?.endsWith('_sum'))
      .map((value) => `${String(value.labels.step)} ${value.value.toFixed(2)} s`);
    console.log(`streaming: ${total} records on 3+3 partitions`);
    console.log(`  time per pipeline step: ${stepSums.join(', ')}`);
    console.log(`  Kafka consumption alone (baseline): ${rate(consumed, bareMs)} records/s`);
    console.log(
      `  plain inserts into ${server}, ${INSERT_BATCH} per query (baseline): ${rate(total, insertMs)} records/s`,
    );
    console.log(`  processor → ${server}: ${rate(committed, streamMs)} records/s`);
    console.log(`  ratio streaming / Kafka consumption: ${(bareMs / streamMs).toFixed(3)}`);
    console.log(`  ratio streaming / plain inserts:     ${(insertMs / streamMs).toFixed(3)}`);
    console.log(
      `  plain inserts of the processor's ${documents.length} documents (baseline): ${rate(total, documentsMs)} records/s`,
    );
    console.log(`  ratio streaming / plain inserts of its documents: ${(documentsMs / streamMs).toFixed(3)}`);
    console.log(
      `  Kafka → RethinkDB latency over ${trickle.length} trickled records: p50 ${percentile(50)} ms, p99 ${percentile(99)} ms`,
    );
  } finally {
    await producer.disconnect();
    await admin
      .deleteTopics({ topics: Object.values(config.kafka.topics).map((topic) => topic.name) })
      .catch(() => undefined);
    await admin.disconnect();
    await client.run(r.dbDrop(client.db)).catch(() => undefined);
    await client.close();
  }
}

/**
 * The documents the processor stores for these records (records, clusters, tombstones, rollups),
 * computed by one TripSlot over batches of 2,000 as the pipeline would; ids prefixed by table so
 * they can share one scratch table.
 */
async function processorDocuments(
  records: ReturnType<typeof generateWorkload>,
  config: ReturnType<typeof parseConfig>['config'],
): Promise<object[]> {
  const slot = new TripSlot(0, {
    rules: resolutionRules(config.resolution),
    clock: new BucketClock(config.kpi.timezone),
    timer: new StepTimer(),
  });
  const documents: object[] = [];
  const tagged = (table: string, docs: readonly { id: string }[]) =>
    docs.map((doc) => ({ ...doc, id: `${table}/${doc.id}` }));
  for (const kind of ['quote', 'booking'] as const) {
    const ofKind = records.filter((record) => record.kind === kind);
    for (let i = 0; i < ofKind.length; i += 2000) {
      const messages = ofKind
        .slice(i, i + 2000)
        .map((record, n) => ({ offset: String(i + n), value: Buffer.from(JSON.stringify(record)) }));
      const { journal } = await slot.processBatch({ topic: kind, partition: 0, messages }, kind);
      documents.push(
        ...tagged('quotes', journal.quotes.put),
        ...tagged('bookings', journal.bookings.put),
        ...tagged('clusters', journal.clusters.put),
        ...tagged('tombstones', journal.tombstones.put),
        ...tagged(
          'rollups',
          journal.rollups.map((rollup) => ({ id: rollup.id, ...rollup.key, counts: rollup.counts })),
        ),
      );
    }
  }
  return documents;
}

/** `rethinkdb 2.4.4 (…)`, as the server reports itself. */
async function serverVersion(client: RethinkdbClient): Promise<string> {
  const status = await client.run<{ process: { version: string } }>(
    r.db('rethinkdb').table('server_status').nth(0),
  );
  return status.process.version.replace(/ \(.*$/, '');
}

if (!STREAM_ONLY) await benchResolve();
if (!RESOLVE_ONLY) await benchStreaming();
