import type { PartitionAssigner } from 'kafkajs';
import { AssignerProtocol } from 'kafkajs';

/**
 * Gives partition N of every subscribed topic to the same member. Quotes and bookings are keyed
 * alike (by stations), so partition N of qf.quotes and of qf.bookings hold the candidates of one
 * another and one processor must own both. Partition numbers are dealt round-robin over the
 * members sorted by id, so every member computes the same plan.
 */
export const coPartitionAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'QuoteflowCoPartition',
  version: 1,
  assign({ members, topics }) {
    const memberIds = members.map((member) => member.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(memberIds.map((id) => [id, {}]));
    for (const topic of topics) {
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((metadata) => metadata.partitionId)
        .sort((a, b) => a - b);
      for (const partition of partitions) {
        const owner = memberIds[partition % memberIds.length];
        const assignment = owner === undefined ? undefined : plan.get(owner);
        if (assignment) (assignment[topic] ??= []).push(partition);
      }
    }
    return Promise.resolve(
      memberIds.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: plan.get(memberId) ?? {},
          userData: Buffer.alloc(0),
        }),
      })),
    );
  },
  protocol({ topics }) {
    return {
      name: 'QuoteflowCoPartition',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});
