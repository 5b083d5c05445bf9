import { expect } from 'chai';
import type { Cluster } from 'kafkajs';
import { AssignerProtocol } from 'kafkajs';
import { coPartitionAssigner } from '../../../lib/kafka/co-partition-assigner.js';

describe('coPartitionAssigner', () => {
  describe('when two members share three co-partitioned topics', () => {
    it('should give partition N of every topic to the same member', async () => {
      const partitions: Record<string, number> = { quotes: 3, bookings: 3, events: 2 };
      const cluster = {
        findTopicPartitionMetadata: (topic: string) =>
          Array.from({ length: partitions[topic] ?? 0 }, (_, partitionId) => ({ partitionId })),
      } as unknown as Cluster;
      const assigner = coPartitionAssigner({ cluster, groupId: 'g', logger: {} as never });
      const result = await assigner.assign({
        members: [
          { memberId: 'm-b', memberMetadata: Buffer.alloc(0) },
          { memberId: 'm-a', memberMetadata: Buffer.alloc(0) },
        ],
        topics: ['quotes', 'bookings', 'events'],
      });
      const plan = Object.fromEntries(
        result.map(({ memberId, memberAssignment }) => [
          memberId,
          AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment,
        ]),
      );
      expect(plan).to.deep.equal({
        'm-a': { quotes: [0, 2], bookings: [0, 2], events: [0] },
        'm-b': { quotes: [1], bookings: [1], events: [1] },
      });
    });
  });
});
