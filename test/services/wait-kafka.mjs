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
import kafkajs from 'kafkajs';
import { waitOptions, waitUntil } from './wait-until.mjs';

const { Kafka, logLevel } = kafkajs;

const brokers = (process.env.QF_KAFKA_BROKERS || '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

await waitUntil({
  ...waitOptions(process.env.QF_KAFKA_WAIT_MS ?? 60000),
  what: `kafka: broker ${brokers.join(',')}`,
  pauseMs: 1000,
  probe: async (msLeft) => {
    const admin = new Kafka({
      clientId: 'quoteflow-wait-kafka',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: Math.min(3000, msLeft),
      requestTimeout: Math.min(5000, msLeft),
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const topics = await admin.listTopics();
      const cluster = await admin.describeCluster();
      return (
        `kafka: broker ${brokers.join(',')} answers (cluster ${cluster.clusterId}, ` +
        `${cluster.brokers.length} broker(s), controller ${cluster.controller}, ${topics.length} topic(s))`
      );
    } finally {
      await admin.disconnect().catch(() => {});
    }
  },
});
