import { expect } from 'chai';
import type { MappedRecord } from '../../../connectors/mapping/row-mapper.js';
import { planMessages } from '../../../connectors/mapping/keyed-messages.js';

const upsert: MappedRecord = {
  kind: 'quote',
  op: 'upsert',
  id: 's:1',
  source: 's',
  sourceKey: '1',
  version: 7,
  quotedAt: '2026-06-25T20:14:00Z',
  brokerQuoteRef: null,
  customer: null,
  pickup: { station: 'MXP', at: '2026-07-01T07:36:00Z' },
  dropoff: { station: 'LIN', at: '2026-07-11T05:36:00Z' },
  carGroup: 'IDAR',
  price: null,
  channel: null,
  attributes: {},
};
const remove: MappedRecord = {
  kind: 'quote',
  op: 'delete',
  id: 's:1',
  source: 's',
  sourceKey: '1',
  version: 8,
};

describe('planMessages', () => {
  describe('when an upsert keeps its stations', () => {
    it('should send it once under its station key', () => {
      expect(planMessages(upsert, 'MXP|LIN', 'MXP|LIN', 6)).to.deep.equal({
        messages: [{ key: 'MXP|LIN', record: upsert }],
        lastKey: 'MXP|LIN',
      });
    });
  });

  describe('when an upsert changes its stations', () => {
    it('should first remove it under the old key with the new version', () => {
      expect(planMessages(upsert, 'MXP|LIN', 'BGY|BGY', 6)).to.deep.equal({
        messages: [
          {
            key: 'BGY|BGY',
            record: { kind: 'quote', op: 'delete', id: 's:1', source: 's', sourceKey: '1', version: 7 },
          },
          { key: 'MXP|LIN', record: upsert },
        ],
        lastKey: 'MXP|LIN',
      });
    });
  });

  describe('when a delete arrives', () => {
    it('should use the last key of the id', () => {
      expect(planMessages(remove, undefined, 'MXP|LIN', 6)).to.deep.equal({
        messages: [{ key: 'MXP|LIN', record: remove }],
        lastKey: null,
      });
    });

    it('should fall back to the row stations', () => {
      expect(planMessages(remove, 'BGY|BGY', undefined, 6).messages).to.deep.equal([
        { key: 'BGY|BGY', record: remove },
      ]);
    });

    it('should go to every partition when no key is known', () => {
      expect(planMessages(remove, undefined, undefined, 3).messages).to.deep.equal([
        { key: null, partition: 0, record: remove },
        { key: null, partition: 1, record: remove },
        { key: null, partition: 2, record: remove },
      ]);
    });
  });
});
