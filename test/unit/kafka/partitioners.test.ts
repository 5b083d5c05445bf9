import type { MessageToProduce } from '@platformatic/kafka';
import { expect } from 'chai';
import type { PartitionMetadata } from 'kafkajs';
import {
  javaCompatiblePartitioner,
  javaCompatibleRecordPartitioner,
} from '../../../lib/kafka/partitioners.js';

const ANY_MESSAGE: MessageToProduce = { topic: 'qf.events' };

/** Partition metadata of a topic of `count` partitions, all led by broker 1. */
const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    offlineReplicas: [],
  }));

describe('the collector producer partitioner', () => {
  // The keys of the collector's records: anonymous ids, user ids, event UUIDs, including the ones
  // whose murmur2 has the sign bit set (where the client's default partitioner differs).
  const keys = [
    ...Array.from({ length: 2000 }, (_, n) => `visitor-${n}`),
    ...Array.from({ length: 200 }, (_, n) => `b${n}5c2a1e-7f0d-4c1b-9a77-${String(n).padStart(12, '0')}`),
    'user@example.com',
    'ünïcødé-visitor',
  ];

  for (const partitions of [1, 3, 6, 7, 12]) {
    it(`should put every key on the partition the Java client (and kafkajs) gave it, ${partitions} partitions`, () => {
      const kafkajs = javaCompatiblePartitioner();
      const partitionMetadata = metadata(partitions);
      const moved = keys.filter((key) => {
        const before = kafkajs({ topic: 'qf.events', partitionMetadata, message: { key, value: null } });
        // The client takes the partitioner's number modulo the partition count itself.
        const after = javaCompatibleRecordPartitioner(ANY_MESSAGE, Buffer.from(key)) % partitions;
        return before !== after;
      });
      expect(moved).to.deep.equal([]);
    });
  }
});
