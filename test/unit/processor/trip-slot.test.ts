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
    it('should journal the stored documents, the clusters and the rollup deltas', async () => {
      const slot = new TripSlot(2, context);
      const { journal, dlq, applied } = await slot.processBatch(
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
      expect(journal.tombstones.remove, 'no tombstone to remove: nothing was deleted').to.deep.equal([]);
    });
  });

  describe('when a deleted record comes back with a newer version', () => {
    it('should remove its tombstone, in a later batch as in the same one', async () => {
      const slot = new TripSlot(0, context);
      const batch = (offset: number, records: (object | string)[]) =>
        slot.processBatch({ topic: 'qf.quotes', partition: 0, messages: messages(records, offset) }, 'quote');
      await batch(0, [quote('1', { version: 1 }), remove('quote', 'rentalcars:1', 2)]);
      const revived = await batch(2, [quote('1', { version: 3 }), quote('2', { version: 1 })]);
      expect(revived.journal.tombstones).to.deep.equal({ put: [], remove: ['quote|rentalcars:1|0'] });

      const within = await batch(4, [remove('quote', 'rentalcars:2', 2), quote('2', { version: 3 })]);
      expect(within.journal.tombstones, 'deleted and revived within one batch: never stored').to.deep.equal({
        put: [],
        remove: [],
      });
    });
  });

  describe('when normalisation fails on a programming error', () => {
    it('should throw it (the consumer retries and the process restarts) and send nothing to the DLQ', async () => {
      // Rules missing a part: reading it is a TypeError, a bug and not bad data.
      const broken = { ...context, rules: { ...defaultRules, sourceTimeZones: undefined as never } };
      const slot = new TripSlot(0, broken);
      const outcome = await slot
        .processBatch({ topic: 'qf.quotes', partition: 0, messages: messages([quote('1')]) }, 'quote')
        .then(
          () => 'resolved',
          (error: unknown) => error,
        );
      expect(outcome).to.be.instanceOf(TypeError);
    });
  });

  describe('when records are invalid or of the wrong kind', () => {
    it('should send them to the DLQ with a reason naming the field', async () => {
      const slot = new TripSlot(0, context);
      const { dlq, journal } = await slot.processBatch(
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
    it('should treat a redelivered batch as replays and a deleted record as gone', async () => {
      const first = new TripSlot(0, context);
      const batch = {
        topic: 'qf.quotes',
        partition: 0,
        messages: messages([quote('1'), quote('2', { version: 1 }), remove('quote', 'rentalcars:2', 2)]),
      };
      const { journal } = await first.processBatch(batch, 'quote');
      expect(journal.tombstones.put.map((stone) => stone.recordId)).to.deep.equal(['rentalcars:2']);

      const restored = new TripSlot(0, context);
      restored.restore(journal.quotes.put, [], journal.tombstones.put);
      const again = await restored.processBatch(batch, 'quote');
      expect(again.applied).to.equal(0);
      expect(again.journal.rollups).to.deep.equal([]);
      expect(again.journal.quotes.put).to.deep.equal([]);
    });
  });

  describe('when tombstones pass their retention', () => {
    const DAY = 86_400_000;
    const deletedAt = Date.parse('2026-07-01T12:00:00Z');
    const at = (time: number) => ({ ...context, now: () => time });
    const deleteQuote = (slot: TripSlot, version: number, offset: number) =>
      slot.processBatch(
        {
          topic: 'qf.quotes',
          partition: 0,
          messages: messages([remove('quote', 'rentalcars:1', version)], offset),
        },
        'quote',
      );
    const upsert = (slot: TripSlot, version: number, offset: number) =>
      slot.processBatch(
        { topic: 'qf.quotes', partition: 0, messages: messages([quote('1', { version })], offset) },
        'quote',
      );

    it('should date each tombstone with the time the delete was processed', async () => {
      const slot = new TripSlot(0, at(deletedAt));
      await upsert(slot, 1, 0);
      const { journal } = await deleteQuote(slot, 2, 1);
      expect(journal.tombstones.put).to.deep.equal([
        {
          id: 'quote|rentalcars:1|0',
          partition: 0,
          kind: 'quote',
          recordId: 'rentalcars:1',
          version: 2,
          deletedAt: '2026-07-01T12:00:00.000Z',
        },
      ]);
    });

    it('should keep a delete younger than the cutoff, and forget an older one', async () => {
      const slot = new TripSlot(0, at(deletedAt));
      await upsert(slot, 1, 0);
      await deleteQuote(slot, 2, 1);
      expect(slot.expireTombstones(deletedAt)).to.deep.equal([]);
      expect((await upsert(slot, 1, 2)).applied, 'an older version while the tombstone lives').to.equal(0);

      expect(slot.expireTombstones(deletedAt + DAY)).to.deep.equal(['quote|rentalcars:1|0']);
      expect(slot.resolver.mark('quote', 'rentalcars:1')).to.equal(undefined);
      expect(slot.expireTombstones(deletedAt + 2 * DAY), 'once only').to.deep.equal([]);
      // Past the retention no older version can still come from Kafka: any version is news again.
      expect((await upsert(slot, 1, 3)).applied).to.equal(1);
    });

    it('should not expire a record deleted again, nor one that came back to life', async () => {
      const slot = new TripSlot(0, at(deletedAt));
      await upsert(slot, 1, 0);
      await deleteQuote(slot, 2, 1);
      await upsert(slot, 3, 2);
      expect(slot.expireTombstones(deletedAt + DAY)).to.deep.equal([]);
      expect(slot.resolver.mark('quote', 'rentalcars:1')?.deleted).to.equal(false);

      const later = new TripSlot(0, at(deletedAt + 10 * DAY));
      later.restore([], [], (await deleteQuote(slot, 4, 3)).journal.tombstones.put);
      await deleteQuote(later, 5, 4);
      expect(later.expireTombstones(deletedAt + DAY), 'deleted again later').to.deep.equal([]);
    });

    it('should restore dated tombstones with their date and never expire undated ones', () => {
      const slot = new TripSlot(0, context);
      slot.restore(
        [],
        [],
        [
          {
            id: 'quote|a:1|0',
            partition: 0,
            kind: 'quote',
            recordId: 'a:1',
            version: 2,
            deletedAt: '2026-01-01T00:00:00Z',
          },
          { id: 'quote|b:1|0', partition: 0, kind: 'quote', recordId: 'b:1', version: 2 },
        ],
      );
      expect(slot.expireTombstones(Date.parse('2026-12-01T00:00:00Z'))).to.deep.equal(['quote|a:1|0']);
      expect(slot.resolver.mark('quote', 'b:1')).to.deep.equal({ version: 2, deleted: true });
    });
  });
});
