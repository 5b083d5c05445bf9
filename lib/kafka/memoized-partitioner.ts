import type { ICustomPartitioner } from 'kafkajs';
import { javaCompatiblePartitioner } from './partitioners.js';

/** Distinct keys remembered; past this the memory starts over (keys are station pairs: few). */
const MAX_KEYS = 10_000;

/**
 * The Java client's partitioner (`javaCompatiblePartitioner`, murmur2), remembering the partition
 * of each key: a producer whose keys repeat (the connectors key records by station pair, so a
 * batch of a thousand rows has a handful of keys) hashes each key once instead of once per
 * message. murmur2 in JavaScript (64-bit Long arithmetic) was ~8% of the connectors' CPU in log
 * mode (bench/connectors.ts with --cpu-prof). Every message still goes where the default
 * partitioner puts it: messages with an explicit partition or without a key are handed to it
 * unchanged, and the memory is per topic and partition count, so a topic that gains partitions
 * is hashed anew.
 */
export const MemoizedDefaultPartitioner: ICustomPartitioner = () => {
  const partitionOf = javaCompatiblePartitioner();
  const memory = new Map<string, number>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    const key = message.key;
    if (message.partition !== undefined || typeof key !== 'string') return partitionOf(args);
    // murmur2(key) % 1 is 0: a one-partition topic (the connectors' offsets, whose keys are record
    // ids and never repeat) needs no hash and no memory.
    if (partitionMetadata.length === 1) return 0;
    const memoryKey = `${topic}\u0000${String(partitionMetadata.length)}\u0000${key}`;
    const known = memory.get(memoryKey);
    if (known !== undefined) return known;
    const partition = partitionOf(args);
    if (memory.size >= MAX_KEYS) memory.clear();
    memory.set(memoryKey, partition);
    return partition;
  };
};
