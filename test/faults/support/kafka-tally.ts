import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '../../support/wait-for.js';

export interface Tally {
  messages: number;
  /** Messages beyond the first with the same identity (an event's id; a record's id and version). */
  duplicates: number;
}

/**
 * Reads whole topics from the beginning to their current end and counts messages that carry the
 * same identity again: what an at-least-once hop (a connector replaying from its last committed
 * position, a collector resending a spooled chunk) put on Kafka twice. The processor must make
 * them harmless; the store comparison and `quoteflow check` say whether it did.
 */
export async function tallyTopics(brokers: string[], topics: readonly string[]): Promise<Map<string, Tally>> {
  const kafka = new Kafka({ clientId: 'qf-fault-tally', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > 0n) remaining.set(`${topic}/${partition}`, BigInt(high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const seen = new Map<string, Map<string, number>>(topics.map((topic) => [topic, new Map()]));
  const consumer = kafka.consumer({ groupId: `qf-fault-tally-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const where = `${topic}/${partition}`;
        const end = remaining.get(where);
        if (end === undefined || BigInt(message.offset) >= end) return Promise.resolve();
        if (BigInt(message.offset) === end - 1n) remaining.delete(where);
        const value = JSON.parse(message.value?.toString() ?? '{}') as { id?: string; version?: unknown };
        const identity = `${value.id ?? ''}@${JSON.stringify(value.version ?? null)}`;
        const counts = seen.get(topic);
        counts?.set(identity, (counts.get(identity) ?? 0) + 1);
        return Promise.resolve();
      },
    });
    await waitFor(`reading ${topics.join(', ')} to their end`, () => remaining.size === 0, {
      timeoutMs: 120_000,
      intervalMs: 100,
    });
  } finally {
    await consumer.disconnect();
  }
  const tallies = new Map<string, Tally>();
  for (const [topic, counts] of seen) {
    let messages = 0;
    for (const n of counts.values()) messages += n;
    tallies.set(topic, { messages, duplicates: messages - counts.size });
  }
  return tallies;
}
