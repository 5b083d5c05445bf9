import { compatibilityPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';

/**
 * The Java client's partitioner (murmur2 of the key, sign bit cleared, modulo the partition count)
 * in kafkajs' shape: records land where any Kafka client would put them, so the partition of a
 * trip's records does not depend on the client that wrote them. The connectors use it through
 * `MemoizedDefaultPartitioner` (memoized-partitioner.ts), which hashes each key once.
 */
export const javaCompatiblePartitioner = Partitioners.DefaultPartitioner;

/**
 * The same partitioner in @platformatic/kafka's shape (its default, `murmur2 >>> 0`, differs for
 * half of all keys): the collector's producer, so a visitor's events keep the partition kafkajs gave them.
 * The client takes the result modulo the partition count.
 */
export const javaCompatibleRecordPartitioner = compatibilityPartitioner;
