import { parentPort, workerData } from 'node:worker_threads';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import type { ParseRequest, ParseResponse } from './parse-pool.js';
import { parseBatch } from './parse-batch.js';

/**
 * Worker thread of ParsePool: parses the chunks it is sent, one at a time and in the order
 * received, and answers each with its id. Anything thrown here ends the worker, which the pool
 * reports as the command's failure.
 */
const port = parentPort;
if (!port) throw new Error('resolve-worker runs as a worker thread of ParsePool');
const { rules } = workerData as { rules: ResolutionRules };
port.on('message', ({ id, kind, chunk }: ParseRequest) => {
  const response: ParseResponse = { id, batch: parseBatch(kind, chunk, rules) };
  port.postMessage(response);
});
