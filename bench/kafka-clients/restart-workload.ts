import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaProcess } from '../../test/faults/support/kafka-process.js';
import type { BenchClient } from './bench-client.js';
import { COLLECTOR_PRODUCE } from './bench-client.js';
import { batchesOf, seqOf } from './workload.js';

const DOWN_MS = 2_000;

export interface RestartFigures {
  acknowledged: number;
  /** Acknowledged records not found when reading the topic back: must be 0. */
  lost: number;
  /** Records read more than once (a send that failed after the broker wrote it, sent again). */
  duplicates: number;
  /** Produce calls that failed and were sent again. */
  failedSends: number;
  /** From the broker's kill until the first acknowledgement after its restart. */
  recoveryMs: number;
  finished: boolean;
}

/**
 * Produces `messages` records with acks=all through `client` while the private `broker` is killed
 * (SIGKILL, a crash) and started again. A failed call is sent again after 250 ms, as the collector's
 * spool would, until acknowledged or `deadlineMs` passes. Then a kafkajs consumer (the neutral
 * reader) reads the topic back and every acknowledged record is looked for.
 */
export async function measureRestart(
  client: BenchClient,
  broker: KafkaProcess,
  topic: string,
  options: { messages: number; batchSize: number; runId: string; deadlineMs: number },
): Promise<RestartFigures> {
  const producer = await client.producer(broker.brokers);
  const batches = batchesOf(0, options.messages, options.batchSize, options.runId);
  const acked = new Set<number>();
  const deadline = Date.now() + options.deadlineMs;
  let failedSends = 0;
  let killedAt: number | undefined;
  let recoveredAt: number | undefined;
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
      for (;;) {
        if (Date.now() > deadline) return;
        try {
          await producer.send(topic, batch);
          break;
        } catch {
          failedSends++;
          await sleep(250);
        }
      }
      // The broker is down for DOWN_MS after the kill: an acknowledgement after that is the recovery.
      if (killedAt !== undefined && recoveredAt === undefined && Date.now() > killedAt + DOWN_MS) {
        recoveredAt = Date.now();
      }
      for (const record of batch) acked.add(seqOf(record.value));
    }
  };
  const crash = async (): Promise<void> => {
    while (acked.size < options.messages / 4 && Date.now() < deadline) await sleep(20);
    await broker.stop('SIGKILL');
    killedAt = Date.now();
    await sleep(DOWN_MS);
    await broker.start();
  };
  try {
    await Promise.all([crash(), ...Array.from({ length: COLLECTOR_PRODUCE.inFlight }, lane)]);
  } finally {
    await producer.close().catch(() => undefined);
  }
  const counts = await readBack(broker.brokers, topic, `kafka-bench-${options.runId}-readback-${topic}`);
  let lost = 0;
  for (const seq of acked) if (!counts.has(seq)) lost++;
  let duplicates = 0;
  for (const count of counts.values()) duplicates += count - 1;
  return {
    acknowledged: acked.size,
    lost,
    duplicates,
    failedSends,
    recoveryMs: recoveredAt !== undefined && killedAt !== undefined ? recoveredAt - killedAt : Number.NaN,
    finished: acked.size === options.messages,
  };
}

/** How many times each `seq` is in the topic, read to its end. */
async function readBack(brokers: string[], topic: string, groupId: string): Promise<Map<number, number>> {
  const kafka = new Kafka({ clientId: 'kafka-bench-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  let remaining = ends.reduce((sum, end) => sum + Number(end.high) - Number(end.low), 0);
  const counts = new Map<number, number>();
  if (remaining === 0) return counts;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  await consumer.run({
    eachBatch: ({ batch }) => {
      for (const message of batch.messages) {
        const seq = seqOf(message.value?.toString() ?? '{}');
        counts.set(seq, (counts.get(seq) ?? 0) + 1);
      }
      remaining -= batch.messages.length;
      if (remaining <= 0) finished();
      return Promise.resolve();
    },
  });
  await done;
  await consumer.disconnect();
  return counts;
}
