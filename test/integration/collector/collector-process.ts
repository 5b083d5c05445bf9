import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { repoRoot } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';
import { WRITE_KEY, basic } from './harness.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CollectorChild {
  process: ChildProcess;
  /** Leads a process group of its own (its workers are in it). */
  group: boolean;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `quoteflow collector` as a real process, configured through QF_* variables only. With
 * `group`, it leads a process group of its own, so that `killGroup` takes its workers down with it
 * (as a machine crash or an OOM kill of the container would).
 */
export function startCollectorProcess(
  env: Record<string, string>,
  options: { group?: boolean } = {},
): CollectorChild {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'collector'], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group ?? false,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return { process: child, group: options.group ?? false, output: () => output, exited };
}

/** SIGKILL to the child and, when it leads a group, to every process of the group. */
export function killGroup(child: CollectorChild): void {
  try {
    if (child.group && child.process.pid !== undefined) process.kill(-child.process.pid, 'SIGKILL');
    else child.process.kill('SIGKILL');
  } catch {
    // already gone
  }
}

export async function waitHealthy(port: number, child: CollectorChild): Promise<void> {
  await waitFor(
    'the collector to answer /healthz',
    async () => {
      if (child.process.exitCode !== null) throw new Error(`collector exited: ${child.output()}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false; // not listening yet
      }
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

export async function postBatch(port: number, size: number): Promise<{ status: number; ids: string[] }> {
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

/**
 * Posts batches of 20 from `clients` concurrent clients until `stop` is called; `acknowledged`
 * holds the ids of every event answered 200. A request with no answer (the process or worker is
 * gone) was not acknowledged; the client tries again a moment later.
 */
export function loadBatches(
  port: number,
  clients = 3,
): { acknowledged: string[]; stop: () => Promise<void> } {
  const acknowledged: string[] = [];
  let running = true;
  const load = Promise.all(
    Array.from({ length: clients }, async () => {
      while (running) {
        try {
          const { status, ids } = await postBatch(port, 20);
          if (status === 200) acknowledged.push(...ids);
        } catch {
          // Pacing, not a wait: a client whose server is gone tries again a moment later.
          await sleep(50);
        }
      }
    }),
  );
  return {
    acknowledged,
    stop: async () => {
      running = false;
      await load;
    },
  };
}
