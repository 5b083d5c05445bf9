/**
 * bench/pipeline: the whole pipeline under a steady load, run, never asserted.
 *
 *   npx tsx bench/pipeline.ts [--rate 1000] [--seconds 60] [--drain-seconds 120]
 *   (needs `npm run services`: Postgres with wal_level=logical, Kafka, RethinkDB, Redis)
 *
 * A Postgres source (two fresh tables, log mode: logical replication) receives `rate` row changes
 * per second for `seconds`, in transactions of 10 changes: 7 inserts of new quotes, 2 price updates
 * of earlier quotes, 1 confirmed booking of an earlier quote. `quoteflow connectors` and
 * `quoteflow processor` run as child processes; the dashboard runs in this process (TestDashboard)
 * and a Socket.IO client signed in to it follows the live tile ("today": quotes and bookings).
 *
 * Measured per source transaction, from the moment its COMMIT returned here:
 * - baseline, commit→Kafka: until a consumer of the connector's topics holds every change of it
 *   (what the connector alone costs, consumer fetch included);
 * - commit→tile: until a `kpis` snapshot pushed to the signed-in client shows today's quotes and
 *   bookings counts reaching the totals that include the transaction (updates change no count,
 *   they ride along as load).
 * The ratio commit→tile / commit→Kafka shows what the processor, RethinkDB's changefeed and the
 * dashboard's push add. Then: whether the processor kept up (time to drain after the last commit,
 * `quoteflow_processor_lag_messages` summed over partitions, stored and shown counts equal to what
 * was written). Aim (issue 10): p99 < 1 s at 1,000 changes/s.
 *
 * Everything it creates has a unique name (tables, slot and publication, topics, consumer groups,
 * RethinkDB database) and is removed at the end, also on failure or Ctrl-C; every wait is bounded.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import type { Consumer } from 'kafkajs';
import r from 'rethinkdb';
import type { Socket } from 'socket.io-client';
import { io } from 'socket.io-client';
import YAML from 'yaml';
import { replicationNames } from '../lib/config/replication-identity.js';
import type { LiveSnapshot } from '../dashboard/live/live-state.js';
import { configSchema } from '../lib/config/schema.js';
import { createKafka } from '../lib/kafka/kafka-client.js';
import { ensureTopics, standardTopics } from '../lib/kafka/topics.js';
import { createSourceDb } from '../lib/source-db.js';
import { repoRoot, services, uniqueName } from '../test/support/services.js';
import { silentLogger } from '../test/support/silent-logger.js';
import { rethinkdbUrlFor } from '../test/support/test-rethinkdb.js';
import { TestDashboard } from '../test/support/test-dashboard.js';
import { freePort } from '../test/integration/connectors/tcp-proxy.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    'drain-seconds': { type: 'string', default: '120' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const DRAIN_SECONDS = Number(values['drain-seconds']);
if (!(RATE > 0 && SECONDS > 0 && DRAIN_SECONDS > 0))
  throw new Error('--rate, --seconds, --drain-seconds: positive numbers');
/** One source transaction: 7 new quotes, 2 updated quotes, 1 new booking. */
const TX = { quotes: 7, updates: 2, bookings: 1 };
const TX_CHANGES = TX.quotes + TX.updates + TX.bookings;
/** Transactions the generator lets wait for their COMMIT at once (the pool has more connections). */
const MAX_IN_FLIGHT = 4;
const TX_COUNT = Math.max(1, Math.round((RATE * SECONDS) / TX_CHANGES));
/** Starting children (tsx compiles on the fly) on a loaded machine takes a while; bounded anyway. */
const START_TIMEOUT_MS = 180_000;
const STATIONS = ['MXP', 'LIN', 'BGY', 'FCO', 'CIA', 'NAP'];
const CAR_GROUPS = ['CDMR', 'IDAR', 'EDMR', 'SFAR'];

/** An object, not a let: the compiler must not assume it unchanged across awaits. */
const interrupt = { aborted: false };
process.once('SIGINT', () => {
  // Every wait checks this, so Ctrl-C still runs the cleanup below.
  interrupt.aborted = true;
});

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (interrupt.aborted) throw new Error(`interrupted while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Zone-less UTC wall clock, as the source (timezone UTC) stores it. */
function sourceTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

/** A quote's trip, derived from its id so a booking of it can repeat the same trip. */
function trip(id: number) {
  const pickup = Date.UTC(2026, 11, 1, 8) + (id % 40) * 86_400_000 + (id % 7) * 3_600_000;
  return {
    email: `c${id % 3000}@example.com`,
    pickup_station: STATIONS[id % STATIONS.length] ?? 'MXP',
    pickup_at: sourceTime(pickup),
    dropoff_station: STATIONS[(id * 7) % STATIONS.length] ?? 'MXP',
    dropoff_at: sourceTime(pickup + (2 + (id % 10)) * 86_400_000),
    car_group: CAR_GROUPS[id % CAR_GROUPS.length] ?? 'CDMR',
  };
}

async function createTables(db: Knex, quotes: string, bookings: string): Promise<void> {
  await db.schema.createTable(quotes, (t) => {
    t.integer('id').primary();
    t.string('quote_ref');
    t.string('email');
    t.dateTime('created_at', { useTz: false, precision: 3 });
    t.string('pickup_station');
    t.dateTime('pickup_at', { useTz: false, precision: 3 });
    t.string('dropoff_station');
    t.dateTime('dropoff_at', { useTz: false, precision: 3 });
    t.string('car_group');
    t.decimal('price', 10, 2);
  });
  await db.schema.createTable(bookings, (t) => {
    t.integer('id').primary();
    t.string('quote_ref');
    t.string('email');
    t.dateTime('booked_at', { useTz: false, precision: 3 });
    t.string('status');
    t.string('pickup_station');
    t.dateTime('pickup_at', { useTz: false, precision: 3 });
    t.string('dropoff_station');
    t.dateTime('dropoff_at', { useTz: false, precision: 3 });
    t.string('car_group');
    t.decimal('price', 10, 2);
  });
}

const common = {
  customerEmail: 'email',
  pickupStation: 'pickup_station',
  pickupAt: 'pickup_at',
  dropoffStation: 'dropoff_station',
  dropoffAt: 'dropoff_at',
  carGroup: 'car_group',
  priceAmount: 'price',
};

/** A child process of `quoteflow <command>`; its stderr is kept to explain a failure. */
class Child {
  readonly process: ChildProcess;
  private stderr = '';

  constructor(
    readonly name: string,
    configFile: string,
  ) {
    this.process = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--config', configFile, name], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, QF_LOG_LEVEL: 'warn' },
    });
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
  }

  exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  describe(): string {
    return `${this.name} (exit ${String(this.process.exitCode ?? this.process.signalCode)}): ${this.stderr}`;
  }

  /** SIGTERM (its own orderly shutdown), SIGKILL if that takes more than 15 s. */
  async stop(): Promise<void> {
    if (this.exited()) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

async function metricsText(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}

/** Sum of a gauge over its label sets in Prometheus text, or null when absent. */
function gaugeSum(text: string, name: string): number | null {
  const lines = text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
  if (lines.length === 0) return null;
  return lines.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** Drops the slot once the connector's walsender has let it go (it may linger a moment). */
async function dropReplication(db: Knex, source: string): Promise<void> {
  const { slot, publication } = replicationNames(source);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await db.raw<{ rows: { active: boolean }[] }>(
      'select active from pg_replication_slots where slot_name = ?',
      [slot],
    );
    const row = result.rows[0];
    if (!row) break;
    if (!row.active) {
      await db.raw('select pg_drop_replication_slot(?)', [slot]);
      break;
    }
    if (Date.now() > deadline) {
      console.error(
        `slot ${slot} still active: drop it by hand (select pg_drop_replication_slot('${slot}'))`,
      );
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await db.raw('drop publication if exists ??', [publication]);
}

interface Transaction {
  committedAt: number;
  /** Changes of it not yet seen on Kafka by the baseline consumer. */
  unseen: number;
  /** When the last of its changes reached the baseline consumer so far. */
  lastSeenAt: number;
  kafkaMs?: number;
  /** Totals the tile must reach to include it. */
  quotesTotal: number;
  bookingsTotal: number;
  tileMs?: number;
}

const source = uniqueName('bench-pipe').replace(/_/g, '-');
const quotesTable = uniqueName('qf_bench_pipe_q');
const bookingsTable = uniqueName('qf_bench_pipe_b');
const prefix = uniqueName('qf.bench.pipe');
const db = createSourceDb({ client: 'postgres', connection: services.postgres });
const dashboard = new TestDashboard('UTC');
const children: Child[] = [];
let consumer: Consumer | undefined;
let socket: Socket | undefined;
let dir: string | undefined;
let tablesCreated = false;

const config = configSchema.parse({
  kafka: {
    brokers: services.kafkaBrokers,
    topics: {
      quotes: { name: `${prefix}.quotes`, partitions: 3 },
      bookings: { name: `${prefix}.bookings`, partitions: 3 },
      events: { name: `${prefix}.events`, partitions: 1 },
      dlq: { name: `${prefix}.dlq` },
    },
  },
});
const topicNames = [...Object.values(config.kafka.topics).map((t) => t.name), `${prefix}.offsets`];
const kafka = createKafka(config.kafka, silentLogger);
const admin = kafka.admin();

console.log(
  `bench/pipeline: Postgres (log mode) → connectors → Kafka → processor → RethinkDB → dashboard → Socket.IO; ` +
    `${fmt(RATE)} changes/s for ${SECONDS} s (${fmt(TX_COUNT)} transactions of ${TX_CHANGES} changes)`,
);
console.log(`load average at start: ${load()}`);
try {
  await admin.connect();
  await ensureTopics(admin, standardTopics(config.kafka), silentLogger);
  await createTables(db, quotesTable, bookingsTable);
  tablesCreated = true;
  await dashboard.migrate();
  await dashboard.users.create({ email: 'bench@example.com', role: 'viewer', password: 'bench password!' });
  const base = await dashboard.start();
  const { session } = await dashboard.signIn(base, {
    email: 'bench@example.com',
    password: 'bench password!',
  });
  const cookie = `qf.sid=${session.cookie('qf.sid') ?? ''}`;
  const serverStatus = (await dashboard.rethink.run(
    r.db('rethinkdb').table('server_status').nth(0)('process')('version'),
  )) as string;
  const pgVersion = (await db.raw<{ rows: { server_version: string }[] }>('show server_version')).rows[0]
    ?.server_version;
  console.log(`servers: ${serverStatus}; PostgreSQL ${pgVersion ?? '?'}`);

  const connectorsPort = await freePort();
  const processorPort = await freePort();
  dir = await mkdtemp(join(tmpdir(), 'qf-bench-pipe-'));
  const configFile = join(dir, 'quoteflow.yaml');
  await writeFile(
    configFile,
    YAML.stringify({
      kafka: { brokers: services.kafkaBrokers, topics: config.kafka.topics },
      rethinkdb: { url: rethinkdbUrlFor(dashboard.db) },
      redis: { url: services.redisUrl },
      kpi: { timezone: 'UTC' },
      connectors: { offsetsTopic: `${prefix}.offsets`, httpPort: connectorsPort },
      processor: { groupId: `${prefix}.group`, metricsPort: processorPort },
      sources: [
        {
          name: source,
          client: 'postgres',
          mode: 'log',
          connection: services.postgres,
          timezone: 'UTC',
          tables: {
            quotes: {
              table: quotesTable,
              columns: { ...common, quotedAt: 'created_at', brokerQuoteRef: 'quote_ref' },
            },
            bookings: {
              table: bookingsTable,
              columns: { ...common, bookedAt: 'booked_at', status: 'status', quoteRef: 'quote_ref' },
            },
          },
        },
      ],
    }),
  );

  // The baseline consumer: every change of a transaction on Kafka, keyed kind:sourceKey.
  const transactions: Transaction[] = [];
  const awaiting = new Map<string, number[]>();
  /**
   * Changes that reached the consumer before this process saw their COMMIT return (both answers
   * can wait in socket buffers while the event loop is busy): their arrival times, per key.
   */
  const early = new Map<string, number[]>();
  const seen = (tx: Transaction, at: number) => {
    tx.unseen--;
    tx.lastSeenAt = Math.max(tx.lastSeenAt, at);
    if (tx.unseen === 0) tx.kafkaMs = Math.max(0, tx.lastSeenAt - tx.committedAt);
  };
  const expect = (key: string, index: number) => {
    const tx = transactions[index];
    const arrived = early.get(key)?.shift();
    if (tx !== undefined && arrived !== undefined) {
      seen(tx, arrived);
      return;
    }
    const list = awaiting.get(key) ?? [];
    list.push(index);
    awaiting.set(key, list);
  };
  const seenOffsets = new Set<string>();
  consumer = kafka.consumer({ groupId: `${prefix}.baseline`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [config.kafka.topics.quotes.name, config.kafka.topics.bookings.name],
    fromBeginning: true,
  });
  await consumer.run({
    eachBatch: ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        // At-least-once: a redelivered offset must not count as another change.
        const where = `${batch.topic}/${batch.partition}/${message.offset}`;
        if (seenOffsets.has(where)) continue;
        seenOffsets.add(where);
        const { kind, sourceKey } = JSON.parse(message.value?.toString() ?? '{}') as {
          kind?: string;
          sourceKey?: string;
        };
        const key = `${kind ?? ''}:${sourceKey ?? ''}`;
        const index = awaiting.get(key)?.shift();
        const tx = index === undefined ? undefined : transactions[index];
        if (tx !== undefined) {
          seen(tx, now);
          continue;
        }
        const list = early.get(key) ?? [];
        list.push(now);
        early.set(key, list);
      }
      return Promise.resolve();
    },
  });

  const connectors = new Child('connectors', configFile);
  children.push(connectors);
  const processor = new Child('processor', configFile);
  children.push(processor);
  const alive = () => {
    for (const child of children) if (child.exited()) throw new Error(`child exited: ${child.describe()}`);
  };
  // Streaming means the slot exists: every commit from here on is in the log.
  await waitFor(
    'the connector to stream',
    async () => {
      alive();
      return /_connector_streaming\{[^}]*\} 1\b/.test(await metricsText(connectorsPort));
    },
    START_TIMEOUT_MS,
  );

  // The tile: today's quotes and bookings as pushed to a signed-in client.
  const tile = { quotes: 0, bookings: 0, snapshots: 0, at: 0 };
  let resolvedUpTo = 0;
  /** Transactions the tile now includes get their latency (0 if it showed them before their COMMIT returned here). */
  const resolveTile = () => {
    for (; resolvedUpTo < transactions.length; resolvedUpTo++) {
      const tx = transactions[resolvedUpTo];
      if (tx === undefined || tx.quotesTotal > tile.quotes || tx.bookingsTotal > tile.bookings) break;
      tx.tileMs = Math.max(0, tile.at - tx.committedAt);
    }
  };
  const live = io(`${base}/live`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie },
    forceNew: true,
  });
  socket = live;
  live.on('kpis', (snapshot: LiveSnapshot) => {
    tile.at = performance.now();
    tile.quotes = snapshot.today.totals.quotes;
    tile.bookings = snapshot.today.totals.bookings;
    tile.snapshots++;
    resolveTile();
  });
  live.on('connect', () => {
    live.emit('subscribe', {});
  });
  await waitFor('the first live snapshot', () => tile.snapshots > 0, 30_000);

  // Warm-up: one quote through the whole chain, so the measured run starts with every part
  // running (processor group joined, partitions assigned, changefeed open).
  let nextQuote = 1;
  let nextBooking = 1;
  let quotesTotal = 0;
  let bookingsTotal = 0;
  const quoteRows = (first: number, count: number) => {
    const now = sourceTime(Date.now());
    return Array.from({ length: count }, (_, i) => {
      const id = first + i;
      return { id, quote_ref: `Q${id}`, created_at: now, price: (80 + (id % 400)).toFixed(2), ...trip(id) };
    });
  };
  const warmStarted = performance.now();
  await db(quotesTable).insert(quoteRows(nextQuote, 1));
  nextQuote++;
  quotesTotal++;
  await waitFor(
    'the warm-up quote on the tile',
    () => {
      alive();
      return tile.quotes >= quotesTotal;
    },
    START_TIMEOUT_MS,
  );
  console.log(
    `warm-up: first quote through the whole pipeline in ${fmt(performance.now() - warmStarted)} ms (children started, connector streaming)`,
  );

  /**
   * One source transaction as one statement (data-modifying CTEs): one round trip instead of five,
   * so the load generator, which shares this loaded machine, can hold the rate. Updates and
   * bookings refer to quotes below `committedBelow`, which are committed: an update of a row not
   * yet there would change nothing and never reach Kafka.
   */
  const transaction = (k: number, committedBelow: number) => {
    const quotes = quoteRows(nextQuote, TX.quotes);
    nextQuote += TX.quotes;
    const span = Math.max(1, committedBelow - 1);
    const updated = [
      ...new Set(
        Array.from({ length: TX.updates }, (_, i) => committedBelow - 1 - ((k * 13 + i * 101) % span)),
      ),
    ];
    const now = sourceTime(Date.now());
    const bookings = Array.from({ length: TX.bookings }, (_, i) => {
      const quoteId = committedBelow - 1 - ((k * 7 + i) % Math.min(300, span));
      const { email, ...rest } = trip(quoteId);
      return {
        id: nextBooking + i,
        quote_ref: `Q${quoteId}`,
        email,
        booked_at: now,
        status: 'confirmed',
        price: (80 + (quoteId % 400)).toFixed(2),
        ...rest,
      };
    });
    nextBooking += bookings.length;
    // knex renders the values escaped; they are this script's own, and one text is one statement.
    const sql =
      `with q as (${db(quotesTable).insert(quotes).toQuery()}), ` +
      `u as (${db(quotesTable)
        .whereIn('id', updated)
        .update({ price: db.raw('price + 1') })
        .toQuery()}), ` +
      `b as (${db(bookingsTable).insert(bookings).toQuery()}) select 1`;
    const keys = [
      ...quotes.map((row) => `quote:${row.id}`),
      ...updated.map((id) => `quote:${id}`),
      ...bookings.map((row) => `booking:${row.id}`),
    ];
    return {
      sql,
      keys,
      quotes: quotes.length,
      bookings: bookings.length,
      firstQuote: quotes[0]?.id ?? nextQuote,
    };
  };

  // The paced load: transactions on a schedule, up to MAX_IN_FLIGHT at once when the database
  // answers late; a transaction's totals are counted when its COMMIT returns, in that order.
  const txRate = RATE / TX_CHANGES;
  const inFlight = new Map<number, Promise<void>>();
  /** The first failed transaction; an object so the loop re-reads it after every await. */
  const failed: { error?: Error } = {};
  const loadStarted = performance.now();
  for (let k = 0; k < TX_COUNT; k++) {
    if (interrupt.aborted) throw new Error('interrupted');
    if (failed.error !== undefined) throw failed.error;
    if (k % 50 === 0) alive();
    const due = loadStarted + (k * 1000) / txRate;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight.values());
    const committedBelow = Math.min(nextQuote, ...inFlight.keys());
    const tx = transaction(k, committedBelow);
    inFlight.set(
      tx.firstQuote,
      db
        .raw(tx.sql)
        .then(() => {
          const committedAt = performance.now();
          quotesTotal += tx.quotes;
          bookingsTotal += tx.bookings;
          const index = transactions.length;
          transactions.push({
            committedAt,
            unseen: tx.keys.length,
            lastSeenAt: 0,
            quotesTotal,
            bookingsTotal,
          });
          for (const key of tx.keys) expect(key, index);
          resolveTile();
        })
        .catch((error: unknown) => {
          failed.error ??= error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => inFlight.delete(tx.firstQuote)),
    );
  }
  await Promise.all(inFlight.values());
  if (failed.error !== undefined) throw failed.error;
  const loadMs = performance.now() - loadStarted;
  const lastCommit = transactions.at(-1)?.committedAt ?? performance.now();
  const loadAtEndOfLoad = load();

  // Keeping up: how long after the last commit the tile shows everything.
  let drained = true;
  try {
    await waitFor(
      'the tile to show every quote and booking',
      () => {
        alive();
        return tile.quotes >= quotesTotal && tile.bookings >= bookingsTotal;
      },
      DRAIN_SECONDS * 1000,
    );
  } catch (error) {
    if (interrupt.aborted) throw error;
    drained = false;
  }
  const drainMs = performance.now() - lastCommit;
  await waitFor('the baseline consumer', () => transactions.every((tx) => tx.unseen <= 0), 30_000).catch(
    () => undefined,
  );
  // The tile can be ahead of the records: a batch's rollups and records are written at once and the
  // changefeed fires as soon as the rollups land. Count them once the group has committed every
  // message (after the sync), so the counts compare what the processor finished.
  const inputTopics = [config.kafka.topics.quotes.name, config.kafka.topics.bookings.name];
  const caughtUp = async () => {
    const ends = new Map<string, string>();
    for (const topic of inputTopics)
      for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, p.high);
    const committed = await admin.fetchOffsets({ groupId: `${prefix}.group`, topics: inputTopics });
    return committed.every(({ topic, partitions }) =>
      partitions.every((p) => {
        const end = ends.get(`${topic}:${p.partition}`) ?? '0';
        return end === '0' || p.offset === end;
      }),
    );
  };
  const committedAll = await waitFor('the processor to commit everything', caughtUp, 60_000).then(
    () => true,
    () => false,
  );
  const processorMetrics = await metricsText(processorPort);
  const lag = gaugeSum(processorMetrics, 'quoteflow_processor_lag_messages');
  const stored = {
    quotes: await dashboard.rethink.run(r.db(dashboard.db).table('quotes').count()),
    bookings: await dashboard.rethink.run(r.db(dashboard.db).table('bookings').count()),
  };

  const kafkaMs = transactions
    .flatMap((tx) => (tx.kafkaMs === undefined ? [] : [tx.kafkaMs]))
    .sort((a, b) => a - b);
  const tileMs = transactions
    .flatMap((tx) => (tx.tileMs === undefined ? [] : [tx.tileMs]))
    .sort((a, b) => a - b);
  const k50 = percentile(kafkaMs, 50);
  const k99 = percentile(kafkaMs, 99);
  const t50 = percentile(tileMs, 50);
  const t99 = percentile(tileMs, 99);
  const changes = transactions.length * TX_CHANGES;
  console.log(
    `source: ${fmt(changes)} changes in ${fmt(transactions.length)} transactions over ${(loadMs / 1000).toFixed(1)} s ` +
      `= ${fmt(changes / (loadMs / 1000))} changes/s achieved (asked ${fmt(RATE)}); load average at its end: ${loadAtEndOfLoad}`,
  );
  console.log(
    `baseline commit→Kafka (connector alone): p50 ${fmt(k50)} ms, p99 ${fmt(k99)} ms (${fmt(kafkaMs.length)}/${fmt(transactions.length)} transactions)`,
  );
  console.log(
    `commit→tile (whole pipeline):           p50 ${fmt(t50)} ms, p99 ${fmt(t99)} ms (${fmt(tileMs.length)}/${fmt(transactions.length)} transactions; ` +
      `push interval ${dashboard.config.livePushIntervalMs} ms included)`,
  );
  console.log(
    `ratio tile / Kafka: p50 ${(t50 / k50).toFixed(1)}x, p99 ${(t99 / k99).toFixed(1)}x; ` +
      `processor + RethinkDB + dashboard add p50 ${fmt(t50 - k50)} ms, p99 ${fmt(t99 - k99)} ms`,
  );
  console.log(
    `kept up: ${drained ? `tile complete ${fmt(drainMs)} ms after the last commit` : `NO: tile incomplete ${DRAIN_SECONDS} s after the last commit`}; ` +
      `processor lag at the end ${lag === null ? 'n/a' : fmt(lag)} messages, ` +
      `${committedAll ? 'every offset committed' : 'offsets NOT all committed 60 s later'}; ` +
      `quotes written ${fmt(quotesTotal)}, stored ${fmt(stored.quotes)}, on the tile ${fmt(tile.quotes)}; ` +
      `bookings written ${fmt(bookingsTotal)}, stored ${fmt(stored.bookings)}, on the tile ${fmt(tile.bookings)} ` +
      `(1 warm-up quote included)`,
  );
  // Where the processor's time went (its per-batch step histogram), to see what bounds the latency.
  const steps = [
    ...processorMetrics.matchAll(
      /^quoteflow_processor_step_seconds_sum\{[^}]*step="([^"]+)"[^}]*\} (\S+)$/gm,
    ),
  ]
    .map(([, step, seconds]) => `${step ?? '?'} ${Number(seconds).toFixed(2)} s`)
    .join(', ');
  const batches = Number(
    /^quoteflow_processor_step_seconds_count\{[^}]*step="commit"[^}]*\} (\S+)$/m.exec(processorMetrics)?.[1],
  );
  const records = gaugeSum(processorMetrics, 'quoteflow_processor_records_total') ?? NaN;
  console.log(
    `processor: ${fmt(records)} messages in ${fmt(batches)} batches (${(records / batches).toFixed(1)} a batch); time per step: ${steps}`,
  );
  console.log(
    `aim (issue 10): commit→tile p99 < 1,000 ms at 1,000 changes/s; load average at the end: ${load()}`,
  );
} finally {
  // Each step on its own: one failing must not leave the rest behind.
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      console.error(`cleanup: ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  socket?.disconnect();
  for (const child of children) await step(`stop ${child.name}`, () => child.stop());
  await step('baseline consumer', async () => consumer?.disconnect());
  await step('replication slot', () => dropReplication(db, source));
  if (tablesCreated)
    await step('source tables', async () => {
      await db.schema.dropTableIfExists(quotesTable);
      await db.schema.dropTableIfExists(bookingsTable);
    });
  await step('source connection', () => db.destroy());
  await step('topics', async () => {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: topicNames.filter((t) => existing.has(t)) });
  });
  // A group whose last member just left may still be settling on the coordinator: a few tries.
  for (const group of [`${prefix}.group`, `${prefix}.baseline`])
    await step(`consumer group ${group}`, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.deleteGroups([group]);
          return;
        } catch (error) {
          if (attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    });
  await step('kafka admin', () => admin.disconnect());
  await step('dashboard and its database', () => dashboard.close());
  if (dir !== undefined) await step('config file', () => rm(dir ?? '', { recursive: true, force: true }));
}
