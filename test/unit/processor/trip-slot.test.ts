import { expect } from 'chai';
import { BucketClock } from '../../../processor/core/kpi/buckets.js';
import type { InboundMessage } from '../../../processor/pipeline/messages.js';
import { StepTimer } from '../../../processor/pipeline/step-timer.js';
import { TripSlot } from '../../../processor/pipeline/trip-slot.js';
import { defaultRules } from '../../support/resolve-helper.js';
import { booking, quote, remove } from '../../support/trip-records.js';

const context = { rules: defaultRules, clock: new BucketClock('UTC'), timer: new StepTimer() };

function messages(values: readonly (object | string)[], first = 0): InboundMessage[] {
  return values.map((value, i) => ({
    offset: String(first + i),
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  }));
}

describe('TripSlot', () => {
  describe('when a batch of quotes arrives', () => {
    it('should journal the stored documents, the clusters and the rollup deltas', () => {
      const slot = new TripSlot(2, context);
      const { journal, dlq, applied } = slot.processBatch(
        {
          topic: 'qf.quotes',
          partition: 2,
          messages: messages([quote('2'), quote('1', { quotedAt: '2026-06-25T20:00:00+00:00' }), quote('2')]),
        },
        'quote',
      );
      expect([dlq, applied]).to.deep.equal([[], 2]);
      expect(journal).to.deep.include({ id: 'trip:2', guard: 'qf.quotes:2', offset: 2, partition: 2 });
      expect(
        journal.quotes.put.map((doc) => [doc.id, doc.clusterId, doc.partition, doc.quotedAt]),
      ).to.deep.equal([
        ['rentalcars:2', 'rentalcars:1', 2, '2026-06-25T20:14:00.000Z'],
        ['rentalcars:1', 'rentalcars:1', 2, '2026-06-25T20:00:00.000Z'],
      ]);
      expect(journal.clusters.put.map((doc) => [doc.id, doc.quoteIds, doc.size])).to.deep.equal([
        ['rentalcars:1', ['rentalcars:1', 'rentalcars:2'], 2],
      ]);
      const day = journal.rollups.find((rollup) => rollup.id.startsWith('trip|day|'));
      expect(day?.counts).to.include({ quotes: 2, demands: 1 });
      expect(journal.tombstones.remove).to.have.length(2);
    });
  });

  describe('when records are invalid or of the wrong kind', () => {
    it('should send them to the DLQ with a reason naming the field', () => {
      const slot = new TripSlot(0, context);
      const { dlq, journal } = slot.processBatch(
        {
          topic: 'qf.quotes',
          partition: 0,
          messages: messages(['{', { ...quote('1'), quotedAt: 'tomorrow' }, booking('b'), quote('ok')]),
        },
        'quote',
      );
      expect(dlq.map((entry) => [entry.offset, entry.reason])).to.deep.equal([
        ['0', 'is not valid JSON'],
        ['1', 'quotedAt: must be an ISO-8601 date-time'],
        ['2', 'kind: must be "quote" on qf.quotes'],
      ]);
      expect(journal.quotes.put.map((doc) => doc.id)).to.deep.equal(['rentalcars:ok']);
    });
  });

  describe('when the state is restored from stored documents', () => {
    it('should treat a redelivered batch as replays and a deleted record as gone', () => {
      const first = new TripSlot(0, context);
      const batch = {
        topic: 'qf.quotes',
        partition: 0,
        messages: messages([quote('1'), quote('2', { version: 1 }), remove('quote', 'rentalcars:2', 2)]),
      };
      const { journal } = first.processBatch(batch, 'quote');
      expect(journal.tombstones.put.map((stone) => stone.recordId)).to.deep.equal(['rentalcars:2']);

      const restored = new TripSlot(0, context);
      restored.restore(journal.quotes.put, [], journal.tombstones.put);
      const again = restored.processBatch(batch, 'quote');
      expect(again.applied).to.equal(0);
      expect(again.journal.rollups).to.deep.equal([]);
      expect(again.journal.quotes.put).to.deep.equal([]);
    });
  });
});
