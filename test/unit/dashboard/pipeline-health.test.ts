import { expect } from 'chai';
import { healthCards, STALE_AFTER_MS } from '../../../dashboard/pipeline/pipeline-health.js';
import { PipelineHistory } from '../../../dashboard/pipeline/pipeline-history.js';
import { DlqTally, MAX_DISTINCT, dlqSummary } from '../../../dashboard/pipeline/dlq-summary.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

function connector(overrides: Record<string, unknown> = {}) {
  return {
    id: 'connector:rentalcars',
    component: 'connector:rentalcars',
    source: 'rentalcars',
    mode: 'log',
    client: 'postgres',
    state: 'running',
    phase: 'streaming',
    offsets: { lsn: '0/16B3748' },
    lagSeconds: 2,
    rowsPerSecond: 40,
    rowsTotal: 1200,
    dlqTotal: 0,
    lastError: null,
    lastErrorAt: null,
    updatedAt: at(NOW - 1000),
    ...overrides,
  };
}

function processor(topic: string, partition: number, lastOffset: number, lag: number | null) {
  return {
    id: `processor:${topic}:${partition}`,
    component: 'processor',
    topic,
    partition,
    lastOffset: String(lastOffset),
    lag,
    dlq: 1,
    updatedAt: at(NOW - 5000),
  };
}

describe('pipeline health cards', () => {
  describe('when a connector reports', () => {
    it('should give its state, lag, rate, error and figures, offsets only in the details', () => {
      const [card] = healthCards([connector()], NOW);
      expect(card).to.deep.include({
        id: 'connector:rentalcars',
        kind: 'connector',
        title: 'rentalcars',
        state: 'running',
        lag: 2,
        rate: 40,
        lastError: null,
      });
      expect(card?.figures).to.deep.equal([
        ['mode', 'log · postgres'],
        ['phase', 'streaming'],
        ['rows', 1200],
        ['to DLQ', 0],
      ]);
      expect(card?.details[0]?.offsets).to.deep.equal({ lsn: '0/16B3748' });
    });

    it('should show a connector that stopped reporting as stale, moving nothing', () => {
      const [card] = healthCards([connector({ updatedAt: at(NOW - STALE_AFTER_MS - 1) })], NOW);
      expect(card?.state).to.equal('stale');
      expect(card?.rate).to.equal(0);
    });
  });

  describe('when processor partitions report', () => {
    it('should make one card per partition group with the lag summed over its topics', () => {
      const cards = healthCards(
        [
          processor('qf.quotes', 1, 100, 5),
          processor('qf.bookings', 1, 50, 0),
          processor('qf.quotes', 0, 10, 0),
        ],
        NOW,
      );
      expect(cards.map((card) => [card.title, card.state, card.lag, card.rate])).to.deep.equal([
        ['partition 0', 'caught-up', 0, 0],
        ['partition 1', 'behind', 5, 0],
      ]);
      expect(cards[1]?.figures[0]).to.deep.equal(['topics', 'qf.quotes, qf.bookings']);
    });

    it('should derive the rate from committed offsets between samples, 0 when they stand still', async () => {
      let now = NOW;
      let offset = 100;
      const history = new PipelineHistory({
        read: () => Promise.resolve([processor('qf.quotes', 0, offset, 0)]),
        clock: () => now,
      });
      await history.sample();
      now += 10_000;
      offset += 500;
      await history.sample();
      now += 10_000;
      await history.sample();
      const [card] = await history.cards();
      expect(card?.history.map((sample) => sample.rate)).to.deep.equal([0, 50, 0]);
      expect(card?.rate).to.equal(0);
    });

    it('should keep the last hour of samples (the newest and an hour before it) and no more', async () => {
      let now = NOW;
      const history = new PipelineHistory({ read: () => Promise.resolve([connector()]), clock: () => now });
      for (let i = 0; i < 5; i++) {
        await history.sample();
        now += 20 * 60_000;
      }
      const [card] = await history.cards();
      expect(card?.history.map((sample) => sample.at - NOW)).to.deep.equal([
        20 * 60_000,
        40 * 60_000,
        60 * 60_000,
        80 * 60_000,
      ]);
    });

    it('should say the lag is unknown, with Kafka’s failure, when end offsets cannot be read', () => {
      const [card] = healthCards(
        [{ ...processor('qf.quotes', 0, 1, null), lagError: "cannot read Kafka's end offsets: timeout" }],
        NOW,
      );
      expect(card).to.deep.include({
        state: 'unknown',
        lag: null,
        lastError: "cannot read Kafka's end offsets: timeout",
      });
    });
  });

  describe('when the collector and the worker report', () => {
    it('should flag dead letters and failures', () => {
      const cards = healthCards(
        [
          {
            id: 'collector:web-1',
            component: 'collector',
            spoolRecords: 3,
            spoolBytes: 900,
            spoolSegments: 1,
            deadLetters: 2,
            updatedAt: at(NOW),
          },
          {
            id: 'worker:h:1',
            component: 'worker',
            checksCompleted: 4,
            checksFailed: 1,
            notificationsDelivered: 0,
            notificationsFailed: 0,
            lastFailure: 'smtp down',
            lastFailureAt: at(NOW),
            updatedAt: at(NOW),
          },
        ],
        NOW,
      );
      expect(cards.map((card) => [card.kind, card.state])).to.deep.equal([
        ['collector', 'failing'],
        ['worker', 'failing'],
      ]);
      expect(cards[1]?.lastError).to.equal('smtp down');
    });
  });
});

describe('dlq summary', () => {
  it('should count records by reason and origin, most frequent first', () => {
    const record = (reason: string | null, origin: string, ms: number) => ({
      partition: 0,
      offset: String(ms),
      at: at(ms),
      key: null,
      reason,
      origin,
      value: {},
    });
    const tally = new DlqTally();
    for (const r of [
      record('carGroup: no column mapped', 'carjet', NOW - 2),
      record('carGroup: no column mapped', 'carjet', NOW - 1),
      record(null, 'qf.quotes', NOW - 3),
    ])
      tally.add(r);
    expect(dlqSummary(tally, 2)).to.deep.equal({
      total: 3,
      held: 2,
      newestAt: at(NOW - 1),
      reasons: [
        { reason: 'carGroup: no column mapped', count: 2 },
        { reason: '(no reason given)', count: 1 },
      ],
      origins: [
        { origin: 'carjet', count: 2 },
        { origin: 'qf.quotes', count: 1 },
      ],
    });
  });

  it('should count reasons past the distinct limit together, keeping the total exact', () => {
    const tally = new DlqTally();
    const record = (reason: string) => ({
      partition: 0,
      offset: '0',
      at: at(NOW),
      key: null,
      reason,
      origin: 'carjet',
      value: {},
    });
    for (let i = 0; i < MAX_DISTINCT + 5; i++) tally.add(record(`bad row ${i}`));
    tally.add(record('bad row 0'));
    const summary = dlqSummary(tally, 1000);
    expect([summary.total, tally.reasons.size]).to.deep.equal([MAX_DISTINCT + 6, MAX_DISTINCT + 1]);
    expect(summary.reasons[0]).to.deep.equal({ reason: '(other reasons, past 10,000 distinct)', count: 5 });
  });
});
