import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { expect } from 'chai';
import { encodeFrame } from '../../../collector/spool/frame.js';
import { repoRoot, services } from '../../support/services.js';
import { WRITE_KEY, basic, countById, createTopic, kafkaClient, readTopic, tempDir } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `quoteflow collector` as a real process, configured through QF_* variables only. */
function startChild(env: Record<string, string>): Child {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'collector'], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return { process: child, output: () => output, exited };
}

async function waitHealthy(port: number, child: Child): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`collector exited: ${child.output()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`collector did not start: ${child.output()}`);
}

async function postBatch(port: number, size: number): Promise<{ status: number; ids: string[] }> {
  const batch = Array.from({ length: size }, (_, i) => ({
    id: randomUUID(),
    name: 'crash',
    anonymousId: `visitor-${i % 5}`,
  }));
  const response = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(WRITE_KEY) },
    body: JSON.stringify({ batch }),
  });
  await response.arrayBuffer();
  return { status: response.status, ids: batch.map((e) => e.id) };
}

describe('collector process killed while spooling (real Kafka)', function () {
  this.timeout(180_000);
  let admin: Admin;
  let topic: string;
  let spoolDir: Awaited<ReturnType<typeof tempDir>>;
  const children: Child[] = [];

  before(async () => {
    admin = kafkaClient().admin();
    await admin.connect();
    topic = await createTopic(admin);
    spoolDir = await tempDir('qf-collector-crash-');
  });

  after(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await spoolDir.remove();
  });

  describe('when it is SIGKILLed under load with Kafka unreachable, then restarted with Kafka back', () => {
    it('should replay the spool, skip the torn last record, lose nothing, and exit 0 on SIGTERM', async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const env = {
        QF_COLLECTOR_PORT: String(port),
        QF_COLLECTOR_HOST: '127.0.0.1',
        QF_COLLECTOR_SPOOL_DIR: spoolDir.path,
        QF_COLLECTOR_PRODUCE_DEADLINE_MS: '300',
        QF_COLLECTOR_PROJECTS: JSON.stringify([{ name: 'website', writeKeys: [WRITE_KEY] }]),
        QF_KAFKA_TOPICS_EVENTS_NAME: topic,
        QF_KAFKA_CONNECTION_TIMEOUT_MS: '500',
        QF_LOG_LEVEL: 'info',
      };
      // Port 9 (discard) has nothing listening: every connection is refused.
      const first = startChild({ ...env, QF_KAFKA_BROKERS: '127.0.0.1:9' });
      children.push(first);
      await waitHealthy(port, first);

      const acknowledged: string[] = [];
      let running = true;
      const load = Promise.all(
        [0, 1, 2].map(async () => {
          while (running) {
            try {
              const { status, ids } = await postBatch(port, 20);
              if (status === 200) acknowledged.push(...ids);
            } catch {
              // the process is gone: requests under way get no answer, so they are not acknowledged
              return;
            }
          }
        }),
      );
      await sleep(3000);
      first.process.kill('SIGKILL');
      running = false;
      await load;
      expect((await first.exited).signal).to.equal('SIGKILL');
      expect(acknowledged.length).to.be.greaterThan(100);

      // A crash in the middle of a write leaves part of a record at the end of the last segment.
      const segments = (await readdir(spoolDir.path)).filter((name) => name.endsWith('.seg')).sort();
      expect(segments.length).to.be.greaterThan(0);
      const tornId = randomUUID();
      const torn = encodeFrame({ key: 'visitor-torn', value: Buffer.from(JSON.stringify({ id: tornId })) });
      await appendFile(
        join(spoolDir.path, segments[segments.length - 1]!),
        torn.subarray(0, torn.length - 7),
      );

      const second = startChild({ ...env, QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') });
      children.push(second);
      await waitHealthy(port, second);
      const after = await postBatch(port, 10);
      expect(after.status).to.equal(200);
      acknowledged.push(...after.ids);

      const expected = new Set(acknowledged);
      const received = await readTopic(
        kafkaClient(),
        topic,
        (r) => new Set(r.map((m) => m.event.id)).size >= expected.size,
        { timeoutMs: 60_000 },
      );
      const counts = countById(received);
      expect(acknowledged.filter((id) => !counts.has(id))).to.deep.equal([]);
      expect(counts.has(tornId)).to.be.false;
      expect([...counts.keys()].filter((id) => !expected.has(id))).to.have.length.below(100);
      expect(second.output()).to.include('torn record');

      // SIGTERM under load: what was answered 200 is in Kafka (or the spool, for the next start).
      const duringStop: string[] = [];
      let stopping = true;
      const stopLoad = Promise.all(
        [0, 1, 2].map(async () => {
          while (stopping) {
            try {
              const { status, ids } = await postBatch(port, 20);
              if (status === 200) duringStop.push(...ids);
            } catch {
              return;
            }
          }
        }),
      );
      await sleep(500);
      second.process.kill('SIGTERM');
      expect(await second.exited, second.output().slice(-3000)).to.deep.equal({ code: 0, signal: null });
      stopping = false;
      await stopLoad;
      expect(duringStop.length).to.be.greaterThan(0);
      const leftInSpool = (await readdir(spoolDir.path)).filter((name) => name.endsWith('.seg'));
      if (leftInSpool.length > 0) {
        const third = startChild({ ...env, QF_KAFKA_BROKERS: services.kafkaBrokers.join(',') });
        children.push(third);
        await waitHealthy(port, third);
      }
      const all = new Set([...expected, ...duringStop]);
      const final = countById(
        await readTopic(kafkaClient(), topic, (r) => new Set(r.map((m) => m.event.id)).size >= all.size, {
          timeoutMs: 60_000,
        }),
      );
      expect(duringStop.filter((id) => !final.has(id))).to.deep.equal([]);
    });
  });
});
