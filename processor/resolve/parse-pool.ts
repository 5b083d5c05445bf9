import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorMessage, QuoteflowError } from '../../lib/errors.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import type { ParsedBatch, TripKind } from './parse-batch.js';

export interface ParseRequest {
  id: number;
  kind: TripKind;
  chunk: Uint8Array;
}

export interface ParseResponse {
  id: number;
  batch: ParsedBatch;
}

interface Pending {
  resolve: (batch: ParsedBatch) => void;
  reject: (error: Error) => void;
}

/**
 * Worker threads that run parseBatch. Chunks go round-robin to the workers; each answer settles
 * the promise of its own chunk, so the caller can await them in file order whatever order they
 * finish in. The caller bounds how many chunks are in flight.
 *
 * A worker that throws or exits fails every chunk in flight and every later one with
 * RESOLVE_WORKER_FAILED: the command stops with that message rather than waiting forever.
 */
export class ParsePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: QuoteflowError | undefined;
  private closing = false;

  constructor(threads: number, rules: ResolutionRules) {
    this.workers = Array.from({ length: threads }, () => {
      // sourceTimeZones is a Map: structured clone (workerData) keeps it one.
      const worker = startWorker({ rules });
      worker.on('message', (response: ParseResponse) => {
        const pending = this.pending.get(response.id);
        this.pending.delete(response.id);
        pending?.resolve(response.batch);
      });
      worker.on('error', (error) => {
        this.fail(`a parse worker failed: ${errorMessage(error)}`);
      });
      worker.on('messageerror', (error) => {
        this.fail(`a parse worker's answer could not be read: ${errorMessage(error)}`);
      });
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(`a parse worker exited unexpectedly (code ${code})`);
      });
      return worker;
    });
  }

  parse(kind: TripKind, chunk: Uint8Array): Promise<ParsedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length];
    if (!worker) throw new Error('ParsePool needs at least one thread');
    const batch = new Promise<ParsedBatch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
    // The caller awaits chunks in file order, so a failure may reach this promise while an
    // earlier chunk is still awaited: mark it handled now so Node does not report it as unhandled.
    void batch.catch(() => undefined);
    const request: ParseRequest = { id, kind, chunk };
    worker.postMessage(request);
    return batch;
  }

  /** Stops the workers; chunks still in flight are dropped (the caller is done or failing). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(message: string): void {
    this.failure ??= new QuoteflowError('RESOLVE_WORKER_FAILED', message);
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}

/**
 * A worker running resolve-worker next to this file. Compiled, that is a .js file in dist/. Under
 * tsx (tests, `npm run quoteflow`) this module is a .ts file, and Node 20 does not apply tsx's
 * module hooks inside worker threads: the worker registers tsx's require hook itself and loads the
 * .ts file through it (paths resolved from here, so the working directory does not matter).
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./resolve-worker.js', import.meta.url), { workerData });
  }
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./resolve-worker.ts', import.meta.url));
  const script = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(script, { eval: true, workerData, execArgv: [] });
}
