/**
 * A CDC engine under measurement running as a child process (Quoteflow's `quoteflow connectors`
 * or the Debezium harness), so it has its own cores' share and the bench's writer and consumer
 * do not run on its event loop. Its output is kept (the last few KB) to explain a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export class ChildEngine {
  private readonly process: ChildProcess;
  private output = '';
  private readonly exit: Promise<void>;

  constructor(
    readonly label: string,
    command: string,
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv },
  ) {
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => {
      this.process.once('exit', () => {
        resolve();
      });
    });
  }

  pid(): number | undefined {
    return this.process.pid;
  }

  exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** Everything it printed lately (stdout and stderr interleaved). */
  log(): string {
    return this.output;
  }

  /** The first line of its output that matches, e.g. Debezium's `FAILED: …` or `settings: …`. */
  line(pattern: RegExp): string | undefined {
    return this.output.split('\n').find((l) => pattern.test(l));
  }

  /** SIGTERM (the engine's orderly shutdown), SIGKILL if it takes more than 20 s. */
  async stop(): Promise<void> {
    if (this.exited()) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 20_000);
    await this.exit;
    clearTimeout(timer);
  }
}
