#!/usr/bin/env node
// Waits until a Kafka broker answers: a kafkajs admin client connects to QF_KAFKA_BROKERS
// (comma-separated, default 127.0.0.1:9092) and lists topics. Retries until the deadline.
//
//   node test/services/wait-kafka.mjs [--timeout <ms>] [--pid <pid>] [--quiet]
//
//   --timeout  overall deadline in ms (default 60000, or QF_KAFKA_WAIT_MS)
//   --pid      give up early when this process (the broker we just started) has exited
//   --quiet    no message on success
// Exit 0 when the broker answered, 1 otherwise (with the last error on stderr).
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

const { values } = parseArgs({
  options: {
    timeout: { type: 'string' },
    pid: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const brokers = (process.env.QF_KAFKA_BROKERS || '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const timeoutMs = Number(values.timeout ?? process.env.QF_KAFKA_WAIT_MS ?? 60000);
const pid = values.pid ? Number(values.pid) : undefined;
const deadline = Date.now() + timeoutMs;

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let lastError = 'no attempt made';
let attempts = 0;
while (Date.now() < deadline) {
  if (pid !== undefined && !alive(pid)) {
    lastError = `broker process ${pid} exited`;
    break;
  }
  attempts++;
  const left = Math.max(500, deadline - Date.now());
  const kafka = new Kafka({
    clientId: 'quoteflow-wait-kafka',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(3000, left),
    requestTimeout: Math.min(5000, left),
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    const cluster = await admin.describeCluster();
    await admin.disconnect().catch(() => {});
    if (!values.quiet) {
      console.log(
        `kafka: broker ${brokers.join(',')} answers (cluster ${cluster.clusterId}, ` +
          `${cluster.brokers.length} broker(s), controller ${cluster.controller}, ` +
          `${topics.length} topic(s))`,
      );
    }
    process.exit(0);
  } catch (err) {
    lastError = `${err?.name ?? 'Error'}: ${err?.message ?? err}`;
    await admin.disconnect().catch(() => {});
  }
  const wait = Math.min(1000, deadline - Date.now());
  if (wait > 0) await sleep(wait);
}

console.error(
  `kafka: broker ${brokers.join(',')} did not answer within ${timeoutMs} ms ` +
    `(${attempts} attempt(s)); last error: ${lastError}`,
);
process.exit(1);
