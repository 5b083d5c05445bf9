import { expect } from 'chai';
import type { Producer } from 'kafkajs';
import type { MapOutcome, MappedRecord } from '../../../connectors/mapping/row-mapper.js';
import type { OffsetStore, SourceState } from '../../../connectors/offsets/offset-store.js';
import { RecordSink } from '../../../connectors/record-sink.js';

const quote = (pickup: string, version: number): MappedRecord => ({
  kind: 'quote',
  op: 'upsert',
  id: 's:1',
  source: 's',
  sourceKey: '1',
  version,
  quotedAt: '2026-06-25T20:14:00Z',
  brokerQuoteRef: null,
  customer: null,
  pickup: { station: pickup, at: '2026-07-01T07:36:00Z' },
  dropoff: { station: 'LIN', at: '2026-07-11T05:36:00Z' },
  carGroup: 'IDAR',
  price: null,
  channel: null,
  attributes: {},
});

/** Collaborators as plain objects: what was sent and committed, in order. */
function fixture(state: SourceState, keysFromRows = false) {
  const log: string[] = [];
  const producer = {
    sendBatch: ({
      topicMessages,
    }: {
      topicMessages: { topic: string; messages: { key: string; value: string }[] }[];
    }) => {
      for (const { topic, messages } of topicMessages) {
        for (const m of messages) {
          const value = JSON.parse(m.value) as { op: string; version: number };
          log.push(`send ${topic} ${m.key} ${value.op}@${value.version}`);
        }
      }
      return Promise.resolve([]);
    },
  } as unknown as Producer;
  const offsetStore: OffsetStore = {
    state: () => state,
    commit: (_source, table, offset, keyChanges) => {
      log.push(`commit ${table} ${JSON.stringify(offset)} ${JSON.stringify([...keyChanges])}`);
      return Promise.resolve();
    },
  };
  const sink = new RecordSink({
    source: 's',
    producer,
    offsetStore,
    topics: { quote: { name: 'q', partitions: 3 }, booking: { name: 'b', partitions: 3 }, dlq: 'd' },
    keysFromRows,
  });
  return { sink, log };
}

const outcome = (record: MappedRecord, stationKey?: string, previousStationKey?: string): MapOutcome => ({
  type: 'record',
  record,
  stationKey,
  previousStationKey,
});

describe('RecordSink', () => {
  describe('when it keeps the last key of each id', () => {
    it('should send a removal under the remembered key, then commit offset and new key after the send', async () => {
      const state: SourceState = { offsets: new Map(), lastKeys: new Map([['quote:s:1', 'BGY|LIN']]) };
      const { sink, log } = fixture(state);
      await sink.deliver([outcome(quote('MXP', 5), 'MXP|LIN')], 't', { at: 5 });
      expect(log).to.deep.equal([
        'send q BGY|LIN delete@5',
        'send q MXP|LIN upsert@5',
        'commit t {"at":5} [["quote:s:1","MXP|LIN"]]',
      ]);
      expect(state.lastKeys.get('quote:s:1')).to.equal('MXP|LIN');
      expect(sink.committedOffset('t')).to.deep.equal({ at: 5 });
    });

    it('should not commit anything when the send fails', async () => {
      const state: SourceState = { offsets: new Map(), lastKeys: new Map() };
      const { sink, log } = fixture(state);
      (sink as unknown as { options: { producer: Producer } }).options.producer = {
        sendBatch: () => Promise.reject(new Error('broker down')),
      } as unknown as Producer;
      let failed = false;
      await sink.deliver([outcome(quote('MXP', 5), 'MXP|LIN')], 't', { at: 5 }).catch(() => {
        failed = true;
      });
      expect(failed).to.equal(true);
      expect(log).to.deep.equal([]);
      expect(state.lastKeys.size).to.equal(0);
      expect(sink.committedOffset('t')).to.equal(undefined);
    });
  });

  describe('when keys come from the rows (binlog before images)', () => {
    it('should take the old key from the outcome and write no key entries', async () => {
      const state: SourceState = { offsets: new Map(), lastKeys: new Map() };
      const { sink, log } = fixture(state, true);
      await sink.deliver([outcome(quote('MXP', 7), 'MXP|LIN', 'BGY|LIN')], '$log', { p: 7 });
      expect(log).to.deep.equal([
        'send q BGY|LIN delete@7',
        'send q MXP|LIN upsert@7',
        'commit $log {"p":7} []',
      ]);
    });
  });
});
