import type { MappedRecord } from './row-mapper.js';

/** One Kafka message to send: under a key, or (a delete whose key is unknown) to a fixed partition. */
export interface KeyedMessage {
  key: string | null;
  partition?: number;
  record: MappedRecord;
}

export interface KeyedPlan {
  messages: KeyedMessage[];
  /** The key this id now lives under; null when it is gone (deleted). */
  lastKey: string | null;
}

/**
 * Which messages one change produces (DESIGN.md "Kafka"): quotes and bookings travel under their
 * station key, and the partition that held an earlier version must learn when it moves or goes.
 *
 * - An upsert whose stations changed first sends a removal under the old key, carrying the NEW
 *   version, then the upsert under the new key. At an equal version an upsert beats a delete, so
 *   the removal can never undo the newer version wherever it lands first.
 * - A delete goes under the last key used for the id, else under the row's own stations (a
 *   soft-deleted row still has them), else, when neither is known (a logged delete carrying only the
 *   primary key of a row this connector never sent), to every partition of the topic.
 */
export function planMessages(
  record: MappedRecord,
  rowStationKey: string | undefined,
  previousKey: string | undefined,
  partitions: number,
): KeyedPlan {
  if (record.op === 'upsert') {
    const key = rowStationKey ?? `${record.pickup.station}|${record.dropoff.station}`;
    const messages: KeyedMessage[] = [];
    if (previousKey !== undefined && previousKey !== key) {
      const removal: MappedRecord = {
        kind: record.kind,
        op: 'delete',
        id: record.id,
        source: record.source,
        sourceKey: record.sourceKey,
        version: record.version,
      };
      messages.push({ key: previousKey, record: removal });
    }
    messages.push({ key, record });
    return { messages, lastKey: key };
  }
  const key = previousKey ?? rowStationKey;
  if (key !== undefined) return { messages: [{ key, record }], lastKey: null };
  return {
    messages: Array.from({ length: partitions }, (_, partition) => ({ key: null, partition, record })),
    lastKey: null,
  };
}
