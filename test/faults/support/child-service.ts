import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { portAnswers } from '../../support/port-answers.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * Starts a server process, its output appended to `log` (for the error message when it dies), and
 * waits until its port answers. Throws when it exits first or does not listen in time.
 */
export async function startListening(
  what: string,
  command: string,
  args: readonly string[],
  port: number,
  timeoutMs: number,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await waitFor(
    `${what} to listen on ${port}`,
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${what} exited (${String(child.exitCode ?? child.signalCode)}): ${output}`);
      }
      return portAnswers(port);
    },
    { timeoutMs, intervalMs: 100 },
  );
  return { child, output: () => output };
}

/** Sends `signal` and resolves once the process has exited (at once when it already has). */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
