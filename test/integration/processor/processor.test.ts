import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import r from 'rethinkdb';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import { reprocess } from '../../../processor/reprocess.js';
import { repoRoot } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { ProcessorHarness } from '../../support/processor-harness.js';
import { resolve } from '../../support/resolve-helper.js';
import { generateWorkload } from '../../support/trip-workload.js';
import { waitFor } from '../../support/wait-for.js';

function event(id: string, visitor: string, name = 'search') {
  return JSON.stringify({
    kind: 'event',
    id,
    type: 'click',
    name,
    receivedAt: '2026-06-25T20:14:31Z',
    project: 'web',
    anonymousId: visitor,
    properties: { quoteRef: 'Q1' },
  });
}

async function expectConsistent(harness: ProcessorHarness) {
  const report = await harness.check();
  expect(report.differences).to.deep.equal([]);
  return report;
}

describe('quoteflow processor (real Kafka and ReQL server)', function () {
  this.timeout(180_000);
  let harness: ProcessorHarness;

  beforeEach(async () => {
    harness = new ProcessorHarness();
    await harness.setUp();
  });
  afterEach(async () => {
    await harness.tearDown();
  });

  describe('when quotes, bookings and events are produced', () => {
    it('should store what `quoteflow resolve` computes, rollups that pass check, and send bad records to the DLQ', async () => {
      const records = generateWorkload({ quotes: 300, seed: 7 });
      const child = harness.startProcessor();
      await harness.produceTrips(records, new Map());
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      await harness.produceRaw(harness.topics.events.name, [
        event(ids[0] ?? '', 'v1'),
        event(ids[1] ?? '', 'v1'),
        event(ids[0] ?? '', 'v1'),
        event(ids[2] ?? '', 'v2', 'book'),
        '{"kind":"event","id":"not-a-uuid"}',
      ]);
      await harness.produceRaw(harness.topics.quotes.name, ['not json']);
      await harness.waitUntilCaughtUp();

      expect(await harness.storedLines()).to.deep.equal(resolve(records));
      const report = await expectConsistent(harness);
      expect(report.records.events).to.equal(3);
      const rollups = await harness.table<{ id: string; counts: Record<string, number> }>('rollups');
      const minuteEvents = rollups.filter((doc) => doc.id.startsWith('event|minute|'));
      expect(minuteEvents.map((doc) => doc.counts.events).sort()).to.deep.equal([1, 2]);
      const visitors = await harness.table<{ granularity: string }>('visitors');
      expect(visitors.filter((doc) => doc.granularity === 'minute')).to.have.length(2);
      const status = await harness.table<{ id: string; component: string; topic: string }>('pipeline_status');
      expect(new Set(status.map((doc) => doc.topic))).to.deep.equal(
        new Set([harness.topics.quotes.name, harness.topics.bookings.name, harness.topics.events.name]),
      );
      expect(status.every((doc) => doc.component === 'processor')).to.equal(true);
      await harness.stop(child, 'SIGTERM');
      expect(child.exitCode).to.equal(0);

      const dlq = await harness.readDlq(2);
      const reasons = dlq.map((entry) => entry.reason).sort();
      expect(reasons[0]).to.match(/^id: must be a valid uuid; .*receivedAt: required/);
      expect(reasons[1]).to.equal('is not valid JSON');
    });
  });

  describe('when a processor is killed with SIGKILL mid-stream and restarted', () => {
    it('should count nothing twice and pass check', async () => {
      const records = generateWorkload({ quotes: 1500, seed: 11 });
      const stations = new Map<string, string>();
      const half = Math.floor(records.length / 2);
      await harness.produceTrips(records.slice(0, half), stations);
      const first = harness.startProcessor();
      await waitFor('a first commit', async () => (await harness.committedCount()) > 0, {
        timeoutMs: 60_000,
      });
      await harness.produceTrips(records.slice(half), stations);
      // Wherever the kill lands (even after the last commit), the restart must count nothing twice.
      await harness.stop(first, 'SIGKILL');

      harness.startProcessor();
      await harness.waitUntilCaughtUp(120_000);
      expect(await harness.storedLines()).to.deep.equal(resolve(records));
      await expectConsistent(harness);
    });
  });

  describe('when two processors run in one group', () => {
    it('should share the partitions and end with the right totals', async () => {
      const records = generateWorkload({ quotes: 800, seed: 5 });
      harness.startProcessor();
      harness.startProcessor();
      await waitFor('two members in the group', async () => (await harness.groupMembers()) >= 2, {
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      await harness.produceTrips(records, new Map());
      await harness.waitUntilCaughtUp(120_000);
      expect(await harness.storedLines()).to.deep.equal(resolve(records));
      await expectConsistent(harness);
      const owners = new Set(
        (await harness.table<{ partition: number }>('quotes')).map((doc) => doc.partition),
      );
      expect(owners.size).to.equal(3);
    });
  });

  describe('when the stored rollups are damaged and the group is reprocessed', () => {
    it('should make check fail, then rebuild from Kafka from the given time', async () => {
      const run = promisify(execFile);
      const quoteflow = async (args: string[]) => {
        try {
          const { stdout } = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
            cwd: repoRoot,
            env: { ...process.env, ...harness.env },
          });
          return { code: 0, stdout };
        } catch (error) {
          return error as { code: number; stdout: string };
        }
      };
      const records = generateWorkload({ quotes: 400, seed: 3 });
      const half = Math.floor(records.length / 2);
      const stations = new Map<string, string>();
      await harness.produceTrips(records.slice(0, half), stations);
      // `from` strictly between the two halves' Kafka timestamps (milliseconds): wait for the clock.
      const producedBefore = Date.now();
      await waitFor('the clock to pass the first half', () => Date.now() > producedBefore);
      const from = new Date();
      await waitFor('the clock to pass `from`', () => Date.now() > from.getTime());
      await harness.produceTrips(records.slice(half), stations);
      const child = harness.startProcessor();
      await harness.waitUntilCaughtUp();

      const admin = createKafka(harness.config.kafka, silentLogger).admin();
      await admin.connect();
      try {
        const options = {
          admin,
          client: harness.client,
          topics: harness.topics,
          groupId: harness.config.processor.groupId,
        };
        try {
          await reprocess({ ...options, from: undefined });
          expect.fail('reprocess should refuse while a processor runs');
        } catch (error) {
          expect((error as Error).message).to.match(/stop every processor/);
        }
        await harness.stop(child, 'SIGTERM');
        const clean = await quoteflow(['check']);
        expect(clean.code, clean.stdout).to.equal(0);
        await harness.client.run(
          r
            .db(harness.client.db)
            .table('rollups')
            .limit(1)
            .update({ counts: { quotes: 1000 } }),
        );
        const damaged = await quoteflow(['check']);
        expect(damaged.code).to.equal(1);
        expect(damaged.stdout).to.match(/quotes: stored 1000, recomputed \d+/);

        await reprocess({ ...options, from: from.getTime() });
      } finally {
        await admin.disconnect();
      }
      harness.startProcessor();
      await harness.waitUntilCaughtUp();
      expect(await harness.storedLines()).to.deep.equal(resolve(records.slice(half)));
      expect((await quoteflow(['check'])).code).to.equal(0);
    });
  });
});
