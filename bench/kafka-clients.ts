/**
 * bench/kafka-clients.ts: the same Kafka workloads with each candidate client, side by side in one
 * run (issue 16), against the shared broker (QF_KAFKA_BROKERS, default 127.0.0.1:9092) on fresh
 * topics `kafka-bench-<run id>-…`, deleted at the end; the restart check on a private broker.
 *
 *   npx tsx bench/kafka-clients.ts [--messages 50000] [--batch 100] [--restart-messages 20000] [--rounds 1] [--no-restart]
 *
 * - produce: the collector's durable sink pattern (bench/kafka-clients/produce-workload.ts)
 * - consume: the processor's batch pattern (bench/kafka-clients/consume-workload.ts)
 * - broker restart: acknowledged records lost / duplicated (bench/kafka-clients/restart-workload.ts)
 * With --rounds N the produce and consume parts run N times, the clients' order rotated each round
 * (the machine's load drifts during a run). Prints figures and ratios to kafkajs (the client in
 * use) of the same round; asserts nothing.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePortWithSecond } from '../test/faults/support/fault-lab.js';
import { KafkaProcess } from '../test/faults/support/kafka-process.js';
import type { BenchClient } from './kafka-clients/bench-client.js';
import { loadClients } from './kafka-clients/clients.js';
import type { ConsumeFigures } from './kafka-clients/consume-workload.js';
import { measureConsume } from './kafka-clients/consume-workload.js';
import type { ProduceFigures } from './kafka-clients/produce-workload.js';
import { measureProduce } from './kafka-clients/produce-workload.js';
import { measureRestart } from './kafka-clients/restart-workload.js';
import { batchesOf } from './kafka-clients/workload.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '100' },
    'restart-messages': { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '1' },
    'no-restart': { type: 'boolean', default: false },
  },
});
const messages = Number(args.messages);
const batchSize = Number(args.batch);
const restartMessages = Number(args['restart-messages']);
const rounds = Number(args.rounds);
const brokers = (process.env.QF_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
// As qf.events by default (kafka.topics.events.partitions).
const PARTITIONS = 6;

const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';
const ratio = (value: number, base: number | undefined): string =>
  base === undefined || !Number.isFinite(value) || !Number.isFinite(base)
    ? ''
    : `${(value / base).toFixed(2)}×`;

async function createTopics(admin: ReturnType<Kafka['admin']>, names: string[]): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: names.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
  });
}

async function fill(topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'kafka-bench-fill', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  for (const batch of batchesOf(0, messages, 1000, runId)) {
    await producer.send({ topic, acks: -1, messages: batch });
  }
  await producer.disconnect();
}

/** The clients in the order of round `round`: rotated, so no client always runs first or last. */
function rotated(clients: readonly BenchClient[], round: number): BenchClient[] {
  const shift = round % clients.length;
  return [...clients.slice(shift), ...clients.slice(0, shift)];
}

/** One line a client, its ratios to kafkajs (clients[0]) measured in the same round. */
function printRound<T>(
  clients: readonly BenchClient[],
  figures: ReadonlyMap<BenchClient, T | Error>,
  describe: (own: T, base: T | undefined) => string,
): void {
  const first = clients[0];
  const base = first === undefined ? undefined : figures.get(first);
  for (const client of clients) {
    const own = figures.get(client);
    if (own === undefined) continue;
    const text =
      own instanceof Error
        ? `FAILED: ${own.message}`
        : describe(own, base instanceof Error ? undefined : base);
    console.log(`${client.name.padEnd(40)} ${text}  (load ${load()})`);
  }
}

async function produceAndConsume(
  clients: BenchClient[],
  admin: ReturnType<Kafka['admin']>,
  topics: string[],
  round: number,
) {
  const consumeTopic = `kafka-bench-${runId}-r${round}-consume`;
  const produceTopics = new Map(
    clients.map((client, index) => [client, `kafka-bench-${runId}-r${round}-produce-${index}`]),
  );
  await createTopics(admin, [consumeTopic, ...produceTopics.values()]);
  topics.push(consumeTopic, ...produceTopics.values());
  const order = rotated(clients, round);

  console.log(
    `\n== round ${round + 1}, produce: ${fmt(messages)} records of ~500 B, ${batchSize} a call, 8 calls in flight, acks=all` +
      ` (order: ${order.map((client) => client.name.split(' ')[0] ?? '').join(', ')})`,
  );
  const produced = new Map<BenchClient, ProduceFigures | Error>();
  for (const client of order) {
    const topic = produceTopics.get(client) ?? '';
    produced.set(
      client,
      await measureProduce(client, brokers, topic, { messages, batchSize, runId }).catch(asError),
    );
  }
  printRound(
    clients,
    produced,
    (own: ProduceFigures, base) =>
      `${fmt(own.messagesPerSecond).padStart(8)} msgs/s ${ratio(own.messagesPerSecond, base?.messagesPerSecond).padStart(6)}` +
      `  ack p50 ${fmt(own.ackP50Ms, 1)} ms, p99 ${fmt(own.ackP99Ms, 1)} ms` +
      `  CPU ${fmt(own.cpuMicrosPerMessage, 1)} µs/msg ${ratio(own.cpuMicrosPerMessage, base?.cpuMicrosPerMessage)}`,
  );

  await fill(consumeTopic);
  console.log(
    `\n== round ${round + 1}, consume: ${fmt(messages)} records, a batch per partition fetch, offsets committed after each batch`,
  );
  const consumed = new Map<BenchClient, ConsumeFigures | Error>();
  for (const [index, client] of order.entries()) {
    const groupId = `kafka-bench-${runId}-r${round}-group-${index}`;
    consumed.set(
      client,
      await measureConsume(client, brokers, consumeTopic, { messages, groupId }).catch(asError),
    );
  }
  printRound(
    clients,
    consumed,
    (own: ConsumeFigures, base) =>
      `${fmt(own.messagesPerSecond).padStart(8)} msgs/s ${ratio(own.messagesPerSecond, base?.messagesPerSecond).padStart(6)}` +
      `  CPU ${fmt(own.cpuMicrosPerMessage, 1)} µs/msg ${ratio(own.cpuMicrosPerMessage, base?.cpuMicrosPerMessage)}` +
      `  first batch after ${fmt(own.firstBatchMs)} ms`,
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

async function brokerRestart(clients: BenchClient[]): Promise<void> {
  console.log(
    `\n== broker restart: ${fmt(restartMessages)} records with acks=all, the private broker killed (SIGKILL) ` +
      'after a quarter and started again 2 s later; failed calls sent again; read back with kafkajs',
  );
  const broker = new KafkaProcess(await freePortWithSecond(1));
  try {
    await broker.start();
    const kafka = new Kafka({
      clientId: 'kafka-bench-admin',
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
    });
    for (const [index, client] of clients.entries()) {
      const topic = `kafka-bench-${runId}-restart-${index}`;
      const admin = kafka.admin();
      await admin.connect();
      await createTopics(admin, [topic]);
      await admin.disconnect();
      const figures = await measureRestart(client, broker, topic, {
        messages: restartMessages,
        batchSize,
        runId,
        deadlineMs: 120_000,
      });
      console.log(
        `${client.name.padEnd(40)} acknowledged ${fmt(figures.acknowledged)}${figures.finished ? '' : ' (NOT all within 120 s)'}` +
          `  lost ${figures.lost}  duplicates ${figures.duplicates}  failed calls ${figures.failedSends}` +
          `  first ack ${fmt(figures.recoveryMs)} ms after the kill`,
      );
    }
  } finally {
    await broker.destroy();
  }
}

async function main(): Promise<void> {
  console.log(`kafka-clients bench, run ${runId}, ${new Date().toISOString()}, Node ${process.version}`);
  console.log(`load average at start: ${load()}`);
  const { clients, unavailable } = await loadClients();
  for (const { name, error } of unavailable)
    console.log(
      `${name}: NOT MEASURED, it does not load here: ${error} ` +
        '(not a dependency; install it for the bench with ' +
        '`CKJS_LINKING=dynamic npm install --no-save @confluentinc/kafka-javascript@1.10.1`: bench/README.md)',
    );

  const kafka = new Kafka({ clientId: 'kafka-bench-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) await produceAndConsume(clients, admin, topics, round);
  } finally {
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  }
  if (!args['no-restart']) await brokerRestart(clients);
  console.log(`\nload average at end: ${load()}`);
}

await main();
