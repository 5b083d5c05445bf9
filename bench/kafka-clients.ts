/**
 * bench/kafka-clients.ts: the same Kafka workloads with each candidate client, side by side in one
 * run (issue 16), against the shared broker (QF_KAFKA_BROKERS, default 127.0.0.1:9092) on fresh
 * topics `kafka-bench-<run id>-…`, deleted at the end; the restart check on a private broker.
 *
 *   npx tsx bench/kafka-clients.ts [--messages 50000] [--batch 100] [--restart-messages 20000] [--no-restart]
 *
 * - produce: the collector's durable sink pattern (bench/kafka-clients/produce-workload.ts)
 * - consume: the processor's batch pattern (bench/kafka-clients/consume-workload.ts)
 * - broker restart: acknowledged records lost / duplicated (bench/kafka-clients/restart-workload.ts)
 * Prints figures and ratios to kafkajs (the client in use); asserts nothing.
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
    'no-restart': { type: 'boolean', default: false },
  },
});
const messages = Number(args.messages);
const batchSize = Number(args.batch);
const restartMessages = Number(args['restart-messages']);
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

async function produceAndConsume(
  clients: BenchClient[],
  admin: ReturnType<Kafka['admin']>,
  topics: string[],
) {
  const consumeTopic = `kafka-bench-${runId}-consume`;
  const produceTopics = clients.map((_, index) => `kafka-bench-${runId}-produce-${index}`);
  await createTopics(admin, [consumeTopic, ...produceTopics]);
  topics.push(consumeTopic, ...produceTopics);

  console.log(
    `\n== produce: ${fmt(messages)} records of ~500 B, ${batchSize} a call, 8 calls in flight, acks=all`,
  );
  const produced: ProduceFigures[] = [];
  for (const [index, client] of clients.entries()) {
    const figures = await measureProduce(client, brokers, produceTopics[index] ?? '', {
      messages,
      batchSize,
      runId,
    });
    produced.push(figures);
    const base = produced[0];
    console.log(
      `${client.name.padEnd(40)} ${fmt(figures.messagesPerSecond).padStart(8)} msgs/s ${ratio(figures.messagesPerSecond, base?.messagesPerSecond).padStart(6)}` +
        `  ack p50 ${fmt(figures.ackP50Ms, 1)} ms, p99 ${fmt(figures.ackP99Ms, 1)} ms` +
        `  CPU ${fmt(figures.cpuMicrosPerMessage, 1)} µs/msg ${ratio(figures.cpuMicrosPerMessage, base?.cpuMicrosPerMessage)}  (load ${load()})`,
    );
  }

  await fill(consumeTopic);
  console.log(
    `\n== consume: ${fmt(messages)} records, a batch per partition fetch, offsets committed after each batch`,
  );
  const consumed: ConsumeFigures[] = [];
  for (const [index, client] of clients.entries()) {
    const figures = await measureConsume(client, brokers, consumeTopic, {
      messages,
      groupId: `kafka-bench-${runId}-group-${index}`,
    }).catch((error: unknown) => {
      console.log(
        `${client.name.padEnd(40)} FAILED: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    });
    if (!figures) continue;
    consumed.push(figures);
    const base = consumed[0];
    console.log(
      `${client.name.padEnd(40)} ${fmt(figures.messagesPerSecond).padStart(8)} msgs/s ${ratio(figures.messagesPerSecond, base?.messagesPerSecond).padStart(6)}` +
        `  CPU ${fmt(figures.cpuMicrosPerMessage, 1)} µs/msg ${ratio(figures.cpuMicrosPerMessage, base?.cpuMicrosPerMessage)}` +
        `  first batch after ${fmt(figures.firstBatchMs)} ms  (load ${load()})`,
    );
  }
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
    console.log(`${name}: NOT MEASURED, it does not load here: ${error}`);

  const kafka = new Kafka({ clientId: 'kafka-bench-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics: string[] = [];
  try {
    await produceAndConsume(clients, admin, topics);
  } finally {
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  }
  if (!args['no-restart']) await brokerRestart(clients);
  console.log(`\nload average at end: ${load()}`);
}

await main();
