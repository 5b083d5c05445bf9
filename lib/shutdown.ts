import type { Logger } from 'pino';

type Closer = () => Promise<void> | void;

export interface ShutdownOptions {
  logger: Logger;
  /** After this long the process exits with 1 even if a closer hangs. Default 30 s. */
  timeoutMs?: number;
  /** Injected for tests; defaults to process.exit. */
  exit?: (code: number) => void;
  /** Injected for tests; defaults to process. */
  signals?: Pick<NodeJS.Process, 'once' | 'removeListener'>;
}

/**
 * Graceful shutdown: on SIGTERM or SIGINT, run the registered closers in reverse order of
 * registration (the HTTP server stops accepting before the Kafka producer it feeds is
 * disconnected), then exit 0; exit 1 when a closer fails or the deadline passes.
 */
export class Shutdown {
  private readonly closers: { name: string; close: Closer }[] = [];
  private running: Promise<void> | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    void this.run(`signal ${signal}`);
  };

  constructor(private readonly options: ShutdownOptions) {}

  /** Registers a closer; the last one added runs first. */
  add(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  install(): this {
    const signals = this.options.signals ?? process;
    signals.once('SIGTERM', this.onSignal);
    signals.once('SIGINT', this.onSignal);
    return this;
  }

  /**
   * Runs every closer once, however many times it is called; resolves after exit was called.
   * `failed`: the process stops because something broke, so it exits 1 whatever the closers do.
   */
  run(reason: string, failed = false): Promise<void> {
    this.running ??= this.closeAll(reason, failed);
    return this.running;
  }

  private async closeAll(reason: string, failed: boolean): Promise<void> {
    const { logger } = this.options;
    const exit = this.options.exit ?? ((code: number) => process.exit(code));
    const signals = this.options.signals ?? process;
    signals.removeListener('SIGTERM', this.onSignal);
    signals.removeListener('SIGINT', this.onSignal);
    logger.info({ reason }, 'shutting down');

    const state = { failed };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, this.options.timeoutMs ?? 30_000);
    });
    const closeInOrder = async () => {
      for (const { name, close } of [...this.closers].reverse()) {
        try {
          await close();
          logger.debug({ closer: name }, 'closed');
        } catch (error) {
          state.failed = true;
          logger.error({ closer: name, err: error }, 'close failed');
        }
      }
      return 'done' as const;
    };
    const outcome = await Promise.race([closeInOrder(), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') logger.error('shutdown deadline passed; exiting with closers still open');
    exit(outcome === 'timeout' || state.failed ? 1 : 0);
  }
}
