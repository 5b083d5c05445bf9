import type { KafkaAdmin as Admin } from '../lib/kafka/client-types.js';
import r from 'rethinkdb';
import type { KafkaConfig } from '../lib/config/schema.js';
import { QuoteflowError } from '../lib/errors.js';
import type { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import type { Table } from './store/reql.js';

/** Every table the processor derives from Kafka; reprocessing empties them all. */
export const DERIVED_TABLES = [
  'quotes',
  'bookings',
  'clusters',
  'tombstones',
  'events',
  'visitors',
  'identities',
  'rollups',
  'processor_journal',
] as const;

export interface ReprocessOptions {
  admin: Admin;
  client: RethinkdbClient;
  topics: KafkaConfig['topics'];
  groupId: string;
  /** Epoch milliseconds; undefined = the earliest offset Kafka retains. */
  from: number | undefined;
}

export interface ReprocessResult {
  cleared: Record<string, number>;
  /** `<topic>:<partition>` → the offset the group will resume from. */
  offsets: Record<string, string>;
}

/**
 * `quoteflow reprocess --from <time>`: empties the derived tables and moves the processor group's
 * offsets back to the first message at or after `from`, so the processors, once started again,
 * rebuild everything from what Kafka retains. Records produced before `from` are not rebuilt.
 * The group must be empty: moving offsets under running processors would mix old and new state.
 */
export async function reprocess(options: ReprocessOptions): Promise<ReprocessResult> {
  const { admin, client, topics, groupId } = options;
  const { groups } = await admin.describeGroups([groupId]);
  const members = groups[0]?.members.length ?? 0;
  if (members > 0) {
    throw new QuoteflowError(
      'PROCESSORS_RUNNING',
      `consumer group ${groupId} has ${members} active members: stop every processor before reprocessing`,
    );
  }
  const offsets: Record<string, string> = {};
  const plan: { topic: string; partitions: { partition: number; offset: string }[] }[] = [];
  for (const topic of [topics.quotes.name, topics.bookings.name, topics.events.name]) {
    const retained = await admin.fetchTopicOffsets(topic);
    const atTime =
      options.from === undefined ? undefined : await admin.fetchTopicOffsetsByTimestamp(topic, options.from);
    const partitions = retained.map((partition) => {
      const found = atTime?.find((entry) => entry.partition === partition.partition)?.offset;
      // No message at or after `from` in this partition: resume at its end.
      const offset = found === undefined ? partition.low : found === '-1' ? partition.high : found;
      offsets[`${topic}:${partition.partition}`] = offset;
      return { partition: partition.partition, offset };
    });
    plan.push({ topic, partitions });
  }
  const cleared: Record<string, number> = {};
  for (const name of DERIVED_TABLES) {
    const table = r.db(client.db).table(name) as unknown as Table;
    const result = (await client.run(table.delete())) as { deleted: number };
    cleared[name] = result.deleted;
  }
  for (const entry of plan) await admin.setOffsets({ groupId, ...entry });
  return { cleared, offsets };
}
