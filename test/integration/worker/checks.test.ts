import { expect } from 'chai';
import type { Admin, Kafka } from 'kafkajs';
import r from 'rethinkdb';
import type { Config } from '../../../lib/config/schema.js';
import { parseConfig } from '../../../lib/config/load-config.js';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import type { CheckName } from '../../../lib/alerts/alert.js';
import { runCheck } from '../../../worker/checks/run-check.js';
import type { CheckOutcome } from '../../../worker/checks/observation.js';
import { KafkaOffsets } from '../../../worker/readers/kafka-offsets.js';
import { services, uniqueName } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { TestWorkers } from '../../support/test-worker.js';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const NOW = new Date('2026-11-27T10:20:00Z');

const source = (name: string) => ({
  name,
  client: 'postgres',
  connection: { host: 'db', user: 'u', database: 'd' },
  tables: {
    quotes: {
      table: 'quotes',
      columns: {
        pickupStation: 'a',
        pickupAt: 'b',
        dropoffStation: 'c',
        dropoffAt: 'd',
        quotedAt: 'e',
        updatedAt: 'f',
        carGroup: 'g',
      },
    },
  },
});

/** The adapters of each check over the real RethinkDB and Kafka, evaluated at NOW. */
describe('worker checks (real RethinkDB and Kafka)', function () {
  this.timeout(60_000);
  let workers: TestWorkers;
  let kafka: Kafka;
  let admin: Admin;
  let offsets: KafkaOffsets;
  const topics: string[] = [];

  before(async () => {
    kafka = createKafka(
      parseConfig('', { QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') }).config.kafka,
      silentLogger,
    );
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  beforeEach(async () => {
    workers = new TestWorkers();
    await workers.migrate();
    offsets = new KafkaOffsets(kafka);
  });

  afterEach(async () => {
    await offsets.close();
    await workers.close();
  });

  const insert = (table: string, docs: object[]) =>
    workers.rethink.run(r.db(workers.db).table(table).insert(docs, { conflict: 'replace' }));

  function config(yaml: string, env: Record<string, string> = {}): Config {
    return parseConfig(yaml, { QF_KAFKA_BROKERS: services.kafkaBrokers.join(','), ...env }).config;
  }

  async function run(check: CheckName, cfg: Config): Promise<CheckOutcome> {
    return runCheck(check, {
      config: cfg,
      db: workers.rethink,
      alerts: workers.alerts,
      kafka: offsets,
      now: NOW,
    });
  }

  const verdicts = (outcome: CheckOutcome) =>
    outcome.kind === 'skip' ? outcome.reason : outcome.observations.map((o) => [o.subject, o.firing]);

  async function topicWith(messages: number, partitions = 2): Promise<string> {
    const topic = uniqueName('qf.test.worker');
    topics.push(topic);
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: messages }, (_, i) => ({
        key: `k${i}`,
        value: `{"reason":"test ${i}"}`,
      })),
    });
    await producer.disconnect();
    return topic;
  }

  it('freshness: should fire for an enabled source without a quote in the window', async () => {
    await insert('quotes', [
      { id: 'fresh:1', source: 'fresh', quotedAt: new Date(NOW.getTime() - 10 * 60_000).toISOString() },
      { id: 'stale:1', source: 'stale', quotedAt: new Date(NOW.getTime() - 2 * HOUR).toISOString() },
    ]);
    const cfg = config('', { QF_SOURCES: JSON.stringify([source('fresh'), source('stale')]) });
    const outcome = await run('freshness', cfg);
    expect(verdicts(outcome)).to.deep.equal([
      ['fresh', false],
      ['stale', true],
    ]);
    const outside = config(
      "worker:\n  checks:\n    freshness:\n      businessHours: { days: [0, 6], from: '08:00', to: '20:00' }\n",
      { QF_SOURCES: JSON.stringify([source('stale')]) },
    );
    expect(verdicts(await run('freshness', outside))).to.equal('outside business hours');
  });

  it('volume: should compare the last full hour with the median of the same hour in previous weeks', async () => {
    const hour = Date.parse('2026-11-27T09:00:00Z');
    const rollup = (start: number, src: string, station: string, quotes: number) => ({
      id: uniqueName('rollup'),
      kind: 'trip',
      granularity: 'hour',
      start: new Date(start).toISOString(),
      source: src,
      pickupStation: station,
      carGroup: 'X',
      channel: null,
      counts: { quotes },
      applied: {},
    });
    await insert('rollups', [
      rollup(hour, 'a', 'BGY', 10),
      rollup(hour, 'a', 'MXP', 5),
      rollup(hour, 'b', 'BGY', 100),
      ...[1, 2, 3, 4].flatMap((weeks) => [
        rollup(hour - weeks * WEEK, 'a', 'BGY', 60),
        rollup(hour - weeks * WEEK, 'a', 'MXP', 40),
        rollup(hour - weeks * WEEK, 'b', 'BGY', 90 + weeks),
      ]),
      // Another hour and a day rollup: not counted.
      rollup(hour - HOUR, 'a', 'BGY', 1000),
      { ...rollup(hour, 'a', 'BGY', 1000), granularity: 'day' },
    ]);
    const outcome = await run('volume', config('worker:\n  checks:\n    volume: { perStation: true }\n'));
    expect(verdicts(outcome)).to.deep.equal([
      ['a', true],
      ['a/BGY', true],
      ['a/MXP', true],
      ['b', false],
      ['b/BGY', false],
    ]);
    const a = outcome.kind === 'observed' ? outcome.observations[0] : undefined;
    expect(a?.details).to.deep.include({
      observed: 15,
      expected: 100,
      history: [100, 100, 100, 100],
      low: 50,
      high: 200,
    });
  });

  it('duplicateRate: should compare the hour’s duplicate rate with past weeks’ from the rollups', async () => {
    const hour = Date.parse('2026-11-27T09:00:00Z');
    const rollup = (start: number, station: string, quotes: number, demands: number) => ({
      id: uniqueName('rollup'),
      kind: 'trip',
      granularity: 'hour',
      start: new Date(start).toISOString(),
      source: 'a',
      pickupStation: station,
      carGroup: 'X',
      channel: null,
      counts: { quotes, demands },
      applied: {},
    });
    await insert('rollups', [
      rollup(hour, 'BGY', 60, 20),
      rollup(hour, 'MXP', 40, 20),
      ...[1, 2, 3].flatMap((weeks) => [
        rollup(hour - weeks * WEEK, 'BGY', 60, 50),
        rollup(hour - weeks * WEEK, 'MXP', 40, 30),
      ]),
    ]);
    const outcome = await run('duplicateRate', config(''));
    expect(verdicts(outcome)).to.deep.equal([['a', true]]);
    expect(outcome.kind === 'observed' && outcome.observations[0]?.details).to.deep.include({
      quotes: 100,
      demands: 40,
      rate: 0.6,
      expected: 0.2,
      history: [0.2, 0.2, 0.2],
    });
  });

  it('conversion: should compare a day of demands with past weeks at the same age', async () => {
    // NOW is Friday 2026-11-27: with ageDays 3 the cohort is Monday 2026-11-23 (ended four days ago).
    let n = 0;
    const cluster = (day: string, source: string, convertedAfterHours: number | null) => {
      const firstQuotedAt = new Date(`${day}T12:00:00Z`);
      n++;
      return {
        id: `cluster-${n}`,
        source,
        pickupStation: 'BGY',
        firstQuotedAt: firstQuotedAt.toISOString(),
        converted: convertedAfterHours !== null,
        convertedAt:
          convertedAfterHours === null
            ? null
            : new Date(firstQuotedAt.getTime() + convertedAfterHours * HOUR).toISOString(),
      };
    };
    const cohort = (day: string, source: string, demands: number, within: number, later: number) =>
      Array.from({ length: demands }, (_, i) =>
        cluster(day, source, i < within ? 24 : i < within + later ? 5 * 24 : null),
      );
    await insert('clusters', [
      // 6 of 60 within 3 days (10 more later, which a younger cohort could not have had): 10 %.
      ...cohort('2026-11-23', 'a', 60, 6, 10),
      ...cohort('2026-11-23', 'b', 10, 5, 0),
      // The same Monday of earlier weeks: 30 % within 3 days, however many converted later.
      ...cohort('2026-11-16', 'a', 60, 18, 20),
      ...cohort('2026-11-09', 'a', 60, 18, 20),
      ...cohort('2026-11-02', 'a', 60, 18, 20),
      // Not a Monday: no part of any baseline.
      ...cohort('2026-11-17', 'a', 60, 60, 0),
    ]);
    const outcome = await run('conversion', config(''));
    expect(verdicts(outcome)).to.deep.equal([
      ['a', true],
      ['b', false],
    ]);
    expect(outcome.kind === 'observed' && outcome.observations[0]?.details).to.deep.equal({
      cohortDay: '2026-11-23',
      ageDays: 3,
      demands: 60,
      converted: 6,
      rate: 0.1,
      expected: 0.3,
      history: [0.3, 0.3, 0.3],
      maxDeviation: 0.05,
      minDemands: 50,
    });
  });

  it('deadLetters: should fire on records added to the topic since the previous run', async () => {
    const topic = await topicWith(3);
    const cfg = config('', { QF_KAFKA_TOPICS_DLQ_NAME: topic });
    const first = await run('deadLetters', cfg);
    expect(verdicts(first)).to.deep.equal([[topic, false]]);
    expect(first.kind === 'observed' && first.observations[0]?.value).to.equal(3);
    await insert('alerts', [
      {
        id: `deadLetters:${topic}`,
        check: 'deadLetters',
        subject: topic,
        state: 'ok',
        value: 1,
        revision: 1,
      },
    ]);
    const second = await run('deadLetters', cfg);
    expect(second.kind === 'observed' && second.observations[0]?.details).to.deep.include({
      new: 2,
      total: 3,
    });
    expect(verdicts(second)).to.deep.equal([[topic, true]]);
  });

  it('processorLag: should add the partitions’ lag from Kafka end offsets', async () => {
    const topic = await topicWith(30, 1);
    await insert('pipeline_status', [
      { id: `processor:${topic}:0`, component: 'processor', topic, partition: 0, lastOffset: '4' },
    ]);
    const outcome = await run(
      'processorLag',
      config('worker:\n  checks:\n    processorLag: { maxMessages: 20 }\n'),
    );
    expect(verdicts(outcome)).to.deep.equal([[topic, true]]);
    expect(outcome.kind === 'observed' && outcome.observations[0]?.value).to.equal(25);
  });

  it('collectorSpool: should fire for a collector spooling more than maxRecords', async () => {
    const doc = (id: string, spoolRecords: number, updatedAt = NOW) => ({
      id,
      component: 'collector',
      spoolRecords,
      spoolBytes: spoolRecords * 100,
      spoolSegments: 1,
      updatedAt: updatedAt.toISOString(),
    });
    await insert('pipeline_status', [
      doc('collector:a', 50_000),
      doc('collector:b', 10),
      doc('collector:gone', 90_000, new Date(NOW.getTime() - 2 * HOUR)),
    ]);
    expect(verdicts(await run('collectorSpool', config('')))).to.deep.equal([
      ['collector:a', true],
      ['collector:b', false],
    ]);
  });

  it('consistency: should run quoteflow check over the store and fire on differences', async () => {
    expect(verdicts(await run('consistency', config('')))).to.deep.equal([['store', false]]);
    await insert('rollups', [
      {
        id: 'trip|hour|2026-11-27T09%3A00%3A00.000Z|a|BGY|X|',
        kind: 'trip',
        granularity: 'hour',
        start: '2026-11-27T09:00:00.000Z',
        source: 'a',
        pickupStation: 'BGY',
        carGroup: 'X',
        channel: null,
        counts: { quotes: 1 },
        applied: {},
      },
    ]);
    const outcome = await run('consistency', config(''));
    expect(verdicts(outcome)).to.deep.equal([['store', true]]);
    expect(outcome.kind === 'observed' && outcome.observations[0]?.value).to.equal(1);
  });
});
