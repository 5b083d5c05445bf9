import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { expect } from 'chai';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';
import type { CollectorChild } from './collector-process.js';
import {
  killGroup,
  loadBatches,
  postBatch,
  startCollectorProcess,
  waitHealthy,
} from './collector-process.js';
import { WRITE_KEY, createTopic, kafkaClient, missingFromTopic, tempDir } from './harness.js';

/** Process ids of the workers the collector's primary forked. */
function workerPids(child: CollectorChild): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

/** Sum of one counter's samples with the given label text in a Prometheus exposition. */
function counterSum(exposition: string, name: string, labels: string): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('collector with several worker processes (real Kafka)', function () {
  this.timeout(240_000);
  let admin: Admin;
  let topic: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;
  const children: CollectorChild[] = [];

  const environment = (port: number, workers: number, brokers: string) => ({
    QF_COLLECTOR_PORT: String(port),
    QF_COLLECTOR_HOST: '127.0.0.1',
    QF_COLLECTOR_WORKERS: String(workers),
    QF_COLLECTOR_SPOOL_DIR: spoolDir.path,
    QF_COLLECTOR_PRODUCE_DEADLINE_MS: '300',
    QF_COLLECTOR_PROJECTS: JSON.stringify([{ name: 'website', writeKeys: [WRITE_KEY] }]),
    QF_KAFKA_TOPICS_EVENTS_NAME: topic,
    QF_KAFKA_BROKERS: brokers,
    QF_KAFKA_CONNECTION_TIMEOUT_MS: '500',
    QF_LOG_LEVEL: 'info',
  });

  beforeEach(async () => {
    admin = kafkaClient().admin();
    await admin.connect();
    topic = await createTopic(admin);
    spoolDir = await tempDir('qf-collector-workers-');
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) killGroup(child);
    }
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  describe('when two workers spool with Kafka away, all die at once, and one process restarts with Kafka back', () => {
    it('should count the workers together in /metrics and replay both worker spools, losing nothing', async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      // Port 9 (discard) has nothing listening: every produce fails and events go to the spools.
      const first = startCollectorProcess(environment(port, 2, '127.0.0.1:9'), { group: true });
      children.push(first);
      await waitHealthy(port, first);
      const load = loadBatches(port, 4);
      const segments = async (worker: string) =>
        (await readdir(join(spoolDir.path, worker)).catch(() => [])).filter((name) => name.endsWith('.seg'));
      // Which worker takes a connection is the kernel's choice: wait until both have spooled.
      await waitFor(
        'events spooled by both workers',
        async () => (await segments('worker-0')).length > 0 && (await segments('worker-1')).length > 0,
        { timeoutMs: 60_000 },
      );
      await load.stop();
      const { acknowledged } = load;
      expect(acknowledged.length).to.be.greaterThan(0);

      // A scrape reaches one worker; it answers for both.
      const exposition = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(counterSum(exposition, 'quoteflow_collector_events_total', 'outcome="spool"')).to.equal(
        acknowledged.length,
      );
      killGroup(first);
      expect((await first.exited).signal).to.equal('SIGKILL');

      const second = startCollectorProcess(environment(port, 1, services.kafkaBrokers.join(',')));
      children.push(second);
      await waitHealthy(port, second);
      const after = await postBatch(port, 10);
      expect(after.status).to.equal(200);
      expect(await missingFromTopic(kafkaClient(), topic, [...acknowledged, ...after.ids])).to.deep.equal([]);
      const leftovers = async () =>
        (await readdir(spoolDir.path)).filter((name) => name.startsWith('worker-'));
      await waitFor('the worker spools removed', async () => (await leftovers()).length === 0);

      second.process.kill('SIGTERM');
      expect(await second.exited, second.output().slice(-3000)).to.deep.equal({ code: 0, signal: null });
    });
  });

  describe('when one process spools with Kafka away, dies, and restarts as two workers with Kafka back', () => {
    it('should have worker 0 replay the spool the single process left, losing nothing', async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const first = startCollectorProcess(environment(port, 1, '127.0.0.1:9'));
      children.push(first);
      await waitHealthy(port, first);
      const load = loadBatches(port, 3);
      await waitFor('events spooled', () => load.acknowledged.length >= 200, { timeoutMs: 30_000 });
      first.process.kill('SIGKILL');
      await load.stop();
      expect((await first.exited).signal).to.equal('SIGKILL');
      const rootSegments = async () => (await readdir(spoolDir.path)).filter((name) => name.endsWith('.seg'));
      expect(await rootSegments()).to.not.be.empty;

      const second = startCollectorProcess(environment(port, 2, services.kafkaBrokers.join(',')), {
        group: true,
      });
      children.push(second);
      await waitHealthy(port, second);
      expect(await missingFromTopic(kafkaClient(), topic, load.acknowledged)).to.deep.equal([]);
      await waitFor('the root spool replayed', async () => (await rootSegments()).length === 0);

      second.process.kill('SIGTERM');
      expect(await second.exited, second.output().slice(-3000)).to.deep.equal({ code: 0, signal: null });
    });
  });

  describe('when one of two workers is killed while serving', () => {
    it('should start it again, keep answering on the port, and exit 0 on SIGTERM with every event in Kafka', async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const collector = startCollectorProcess(environment(port, 2, services.kafkaBrokers.join(',')), {
        group: true,
      });
      children.push(collector);
      await waitHealthy(port, collector);
      await waitFor('two workers', () => workerPids(collector).length === 2, { timeoutMs: 30_000 });
      const [victim] = workerPids(collector);

      const load = loadBatches(port, 4);
      await waitFor('answers under load', () => load.acknowledged.length >= 100, { timeoutMs: 30_000 });
      process.kill(victim!, 'SIGKILL');
      await waitFor(
        'a new worker in place of the killed one',
        () => {
          const pids = workerPids(collector);
          return pids.length === 2 && !pids.includes(victim!);
        },
        { timeoutMs: 30_000 },
      );
      const served = load.acknowledged.length;
      await waitFor('answers after the restart', () => load.acknowledged.length > served + 100, {
        timeoutMs: 30_000,
      });

      collector.process.kill('SIGTERM');
      expect(await collector.exited, collector.output().slice(-3000)).to.deep.equal({
        code: 0,
        signal: null,
      });
      await load.stop();
      expect(collector.output()).to.include('collector worker died; starting it again');

      expect(await missingFromTopic(kafkaClient(), topic, load.acknowledged)).to.deep.equal([]);
    });
  });

  describe('when the workers cannot start (the port is taken)', () => {
    it('should give up after a few tries and exit 1 instead of restarting them forever', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const { port } = blocker.address() as AddressInfo;
      try {
        const collector = startCollectorProcess(environment(port, 2, services.kafkaBrokers.join(',')), {
          group: true,
        });
        children.push(collector);
        const exited = await collector.exited;
        expect(exited, collector.output().slice(-3000)).to.deep.equal({ code: 1, signal: null });
        expect(collector.output()).to.include('collector worker keeps failing at start; giving up');
      } finally {
        blocker.close();
      }
    });
  });
});
