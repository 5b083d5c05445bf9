import { expect } from 'chai';
import type { PartitionerArgs } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { MemoizedDefaultPartitioner } from '../../../lib/kafka/memoized-partitioner.js';

const metadata = (count: number): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));

describe('MemoizedDefaultPartitioner', () => {
  describe('when messages carry string keys', () => {
    it('should put every message where the default (murmur2) partitioner puts it, asked again and again', () => {
      const memoized = MemoizedDefaultPartitioner();
      const plain = Partitioners.DefaultPartitioner();
      const keys = ['MXP|LIN', 'BGY|BGY', 'FCO|NAP', 's|quotes', '', 'ÜBER|straße'];
      const placed: [number, number][] = [];
      for (let round = 0; round < 3; round++)
        for (const count of [1, 3, 6, 12])
          for (const key of keys) {
            const args = { topic: 'q', partitionMetadata: metadata(count), message: { key, value: 'v' } };
            placed.push([memoized(args), plain(args)]);
          }
      expect(placed.map(([memo]) => memo)).to.deep.equal(placed.map(([, expected]) => expected));
      // The keys do not all land in one partition, so the comparison above could fail.
      expect(new Set(placed.map(([memo]) => memo)).size).to.be.greaterThan(1);
    });

    it('should hash a key anew when its topic has another number of partitions', () => {
      const memoized = MemoizedDefaultPartitioner();
      const plain = Partitioners.DefaultPartitioner();
      const at = (count: number) => ({
        topic: 'q',
        partitionMetadata: metadata(count),
        message: { key: 'FCO|NAP', value: 'v' },
      });
      expect([memoized(at(6)), memoized(at(7))]).to.deep.equal([plain(at(6)), plain(at(7))]);
    });
  });

  describe('when the topic has one partition', () => {
    it('should put every keyed message in it, as the default partitioner does', () => {
      const memoized = MemoizedDefaultPartitioner();
      const plain = Partitioners.DefaultPartitioner();
      const keys = Array.from({ length: 50 }, (_, i) => `quote:s:${String(i)}`);
      const at = (key: string) => ({
        topic: 'o',
        partitionMetadata: metadata(1),
        message: { key, value: 'v' },
      });
      expect(keys.map((key) => memoized(at(key)))).to.deep.equal(keys.map((key) => plain(at(key))));
    });
  });

  describe('when a message names its partition', () => {
    it('should use that partition', () => {
      const memoized = MemoizedDefaultPartitioner();
      const args = {
        topic: 'q',
        partitionMetadata: metadata(6),
        message: { key: 'MXP|LIN', value: 'v', partition: 4 },
      };
      expect(memoized(args)).to.equal(4);
    });
  });
});
