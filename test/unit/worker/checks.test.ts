import { conversionObservations } from '../../../worker/checks/conversion-check.js';
import { expect } from 'chai';
import { connectorObservations } from '../../../worker/checks/connectors-check.js';
import { deadLetterObservation } from '../../../worker/checks/dead-letters-check.js';
import { duplicateRateObservations } from '../../../worker/checks/duplicate-rate-check.js';
import { freshnessObservations, withinBusinessHours } from '../../../worker/checks/freshness-check.js';
import { processorLagObservations } from '../../../worker/checks/processor-lag-check.js';
import { median, volumeObservations } from '../../../worker/checks/volume-check.js';
import { sameHourWeeksBefore } from '../../../worker/readers/volume-reader.js';

const settings = { lowRatio: 0.5, highRatio: 2, minExpected: 20 };
const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('volume check', () => {
  it('should take the median of the previous weeks as the expectation', () => {
    expect(median([100, 0, 90, 110])).to.equal(95);
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([])).to.equal(0);
  });

  it('should fire below expected × lowRatio and above expected × highRatio, and say the figures', () => {
    const history = [
      counts({ a: 100, b: 100, c: 100 }),
      counts({ a: 80, b: 80, c: 80 }),
      counts({ a: 120, b: 120, c: 120 }),
    ];
    const observations = volumeObservations(
      '2026-11-27T09:00:00.000Z',
      counts({ a: 49, b: 201, c: 100 }),
      history,
      settings,
    );
    expect(observations.map((o) => [o.subject, o.firing])).to.deep.equal([
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
    expect(observations[0]?.details).to.deep.equal({
      hourStart: '2026-11-27T09:00:00.000Z',
      observed: 49,
      expected: 100,
      history: [100, 80, 120],
      low: 50,
      high: 200,
      minExpected: 20,
    });
  });

  it('should judge nothing while the expectation is under minExpected, and see a source gone silent', () => {
    const observations = volumeObservations('h', counts({}), [counts({ small: 5, big: 300 })], settings);
    expect(observations.map((o) => [o.subject, o.firing])).to.deep.equal([
      ['big', true],
      ['small', false],
    ]);
  });

  it('should compare the same local hour across a summer-time change', () => {
    // Tuesday 2026-11-03 10:00 in Rome is 09:00Z; a week before (27 Oct, after the change) too;
    // two weeks before (20 Oct, summer time) it is 08:00Z.
    const hour = Date.parse('2026-11-03T09:00:00Z');
    expect(new Date(sameHourWeeksBefore(hour, 1, 'Europe/Rome')).toISOString()).to.equal(
      '2026-10-27T09:00:00.000Z',
    );
    expect(new Date(sameHourWeeksBefore(hour, 2, 'Europe/Rome')).toISOString()).to.equal(
      '2026-10-20T08:00:00.000Z',
    );
  });
});

describe('freshness check', () => {
  it('should fire for a source with nothing in the window', () => {
    const observations = freshnessObservations(
      [
        { source: 'a', kind: 'quotes', newestAt: null },
        { source: 'b', kind: 'bookings', newestAt: '2026-11-27T09:59:00.000Z' },
      ],
      { maxQuietMinutes: 60 },
    );
    expect(observations.map((o) => [o.subject, o.firing, o.summary])).to.deep.equal([
      ['a', true, 'no new quotes from a for more than 60 minutes'],
      ['b', false, 'b: newest booking at 2026-11-27T09:59:00.000Z'],
    ]);
  });

  it('should read business hours on the KPI zone wall clock', () => {
    const hours = { days: [1, 2, 3, 4, 5], from: '08:00', to: '20:00' };
    // Friday 2026-11-27: 07:30Z is 08:30 in Rome; 19:30Z is 20:30.
    expect(withinBusinessHours(hours, 'Europe/Rome', new Date('2026-11-27T07:30:00Z'))).to.equal(true);
    expect(withinBusinessHours(hours, 'Europe/Rome', new Date('2026-11-27T19:30:00Z'))).to.equal(false);
    expect(withinBusinessHours(hours, 'UTC', new Date('2026-11-27T07:30:00Z'))).to.equal(false);
    // Saturday
    expect(withinBusinessHours(hours, 'Europe/Rome', new Date('2026-11-28T10:00:00Z'))).to.equal(false);
  });
});

describe('connectors check', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  const status = (source: string, state: 'running' | 'failing', updatedAt = '2026-11-27T09:59:00Z') => ({
    id: `connector:${source}`,
    component: `connector:${source}`,
    source,
    state,
    lastError: state === 'failing' ? 'connect ECONNREFUSED' : null,
    updatedAt,
  });

  it('should fire for a failing, a silent and a missing enabled source', () => {
    const observations = connectorObservations(
      [status('a', 'failing'), status('b', 'running', '2026-11-27T09:00:00Z'), status('c', 'running')],
      ['a', 'b', 'c', 'd'],
      { staleMinutes: 10 },
      now,
    );
    expect(observations.map((o) => [o.subject, o.firing, o.summary])).to.deep.equal([
      ['a', true, 'connector a is failing: connect ECONNREFUSED'],
      ['b', true, 'connector b has not reported for 60 minutes'],
      ['c', false, 'connector c is running'],
      ['d', true, 'connector d has never reported its status'],
    ]);
  });
});

describe('dead letters and processor lag checks', () => {
  it('should fire on new dead letters since the previous run only', () => {
    expect(deadLetterObservation('qf.dlq', 10, null, { maxNew: 0 }).firing).to.equal(false);
    expect(deadLetterObservation('qf.dlq', 12, 10, { maxNew: 0 })).to.include({ firing: true, value: 12 });
    expect(deadLetterObservation('qf.dlq', 12, 12, { maxNew: 0 }).firing).to.equal(false);
  });

  it('should sum the lag of a topic over its partitions', () => {
    const doc = (topic: string, partition: number, lag?: number) => ({
      id: `p${partition}`,
      component: 'processor' as const,
      topic,
      partition,
      ...(lag === undefined ? {} : { lag }),
    });
    const observations = processorLagObservations(
      [doc('qf.quotes', 0, 6000), doc('qf.quotes', 1, 5000), doc('qf.events', 0, 10), doc('qf.events', 1)],
      { maxMessages: 10_000 },
    );
    expect(observations.map((o) => [o.subject, o.firing, o.value])).to.deep.equal([
      ['qf.events', false, 10],
      ['qf.quotes', true, 11_000],
    ]);
  });
});

describe('duplicate-rate check', () => {
  const hour = (quotes: number, demands: number) => ({ quotes, demands });
  const week = (entries: Record<string, { quotes: number; demands: number }>) =>
    new Map(Object.entries(entries));
  const rateSettings = { maxDeviation: 0.15, minQuotes: 30 };

  it('should fire when the rate moves more than maxDeviation from the median of past weeks', () => {
    const history = [
      week({ a: hour(100, 80), b: hour(100, 80) }),
      week({ a: hour(100, 75), b: hour(100, 75) }),
      week({ a: hour(100, 85), b: hour(5, 0) }),
    ];
    const observations = duplicateRateObservations(
      '2026-11-27T09:00:00.000Z',
      week({ a: hour(100, 50), b: hour(100, 70) }),
      history,
      rateSettings,
    );
    expect(observations.map((o) => [o.subject, o.firing, o.details.rate, o.details.expected])).to.deep.equal([
      ['a', true, 0.5, 0.2],
      // b's third week has 5 quotes: left out of the median of 0.2 and 0.25.
      ['b', false, 0.3, 0.225],
    ]);
    expect(observations[0]?.summary).to.equal(
      'a: duplicate rate 50.0 % in the hour from 2026-11-27T09:00:00.000Z, expected 20.0 % (more than 15.0 % off)',
    );
  });

  it('should not judge an hour with too few quotes or no usable past week', () => {
    const observations = duplicateRateObservations(
      'h',
      week({ a: hour(10, 1), b: hour(100, 10) }),
      [week({ a: hour(100, 90), b: hour(10, 9) })],
      rateSettings,
    );
    expect(observations.map((o) => [o.subject, o.firing])).to.deep.equal([
      ['a', false],
      ['b', false],
    ]);
  });
});

describe('conversion check', () => {
  const settings = { ageDays: 3, maxDeviation: 0.05, minDemands: 50 };
  const counts = (demands: number, converted: number) => ({ demands, converted });

  it('should fire when the cohort converts more than maxDeviation off the median of past weeks', () => {
    const observations = conversionObservations(
      '2026-11-23',
      new Map([
        ['a', counts(100, 10)],
        ['b', counts(100, 26)],
      ]),
      [
        new Map([
          ['a', counts(100, 20)],
          ['b', counts(100, 20)],
        ]),
        new Map([
          ['a', counts(100, 22)],
          ['b', counts(100, 22)],
        ]),
        new Map([['a', counts(10, 0)]]),
      ],
      settings,
    );
    expect(observations.map((o) => [o.subject, o.firing, o.details.expected])).to.deep.equal([
      ['a', true, 0.21],
      ['b', false, 0.21],
    ]);
    expect(observations[0]?.summary).to.equal(
      'a: 10.0 % of the demands first quoted on 2026-11-23 converted within 3 days, expected 21.0 % (more than 5.0 % off)',
    );
  });

  it('should not judge a small cohort or one without a usable past week', () => {
    const observations = conversionObservations(
      '2026-11-23',
      new Map([
        ['a', counts(20, 0)],
        ['b', counts(100, 0)],
      ]),
      [new Map([['a', counts(100, 50)]])],
      settings,
    );
    expect(observations.map((o) => [o.subject, o.firing])).to.deep.equal([
      ['a', false],
      ['b', false],
    ]);
  });
});
