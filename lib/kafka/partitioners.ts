import { Partitioners } from 'kafkajs';

/**
 * The Java client's partitioner (murmur2 of the key): a keyed record lands where any Kafka client
 * would put it, so the partition of a trip's records does not depend on the client that wrote them.
 */
export const javaCompatiblePartitioner = Partitioners.DefaultPartitioner;
