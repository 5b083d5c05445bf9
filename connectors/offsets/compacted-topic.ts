import { randomBytes } from 'node:crypto';
import type { KafkaClient as Kafka } from '../../lib/kafka/client-types.js';
import { QuoteflowError } from '../../lib/errors.js';

/**
 * Reads a compacted topic from its start to the end it had when called: the last value of every
 * key (null for a tombstone). kafkajs has no manual partition assignment, so a throw-away consumer
 * group does the reading and is deleted afterwards.
 */
export async function readCompactedTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<Map<string, string | null>> {
  const values = new Map<string, string | null>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => BigInt(p.high) > BigInt(p.low));
    if (ends.length === 0) return values;
    const pending = new Map(ends.map((p) => [p.partition, BigInt(p.high) - 1n]));
    const groupId = `qf-offsets-reader-${randomBytes(6).toString('hex')}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new QuoteflowError('OFFSETS_READ_TIMEOUT', `reading ${topic} took over ${timeoutMs} ms`, {
              retriable: true,
            }),
          );
        }, timeoutMs);
        consumer
          .run({
            autoCommit: false,
            eachMessage: ({ partition, message }) => {
              if (message.key)
                values.set(message.key.toString(), message.value ? message.value.toString() : null);
              const last = pending.get(partition);
              if (last !== undefined && BigInt(message.offset) >= last) pending.delete(partition);
              if (pending.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
          });
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return values;
  } finally {
    await admin.disconnect();
  }
}
