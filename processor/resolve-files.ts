import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { QuoteflowError } from '../lib/errors.js';
import { resolutionLines } from './core/resolution-output.js';
import { Resolver } from './core/resolver.js';
import type { ResolutionRules } from '../lib/resolution/rules.js';
import type { ParsedBatch, TripKind } from './resolve/parse-batch.js';
import { parseBatch } from './resolve/parse-batch.js';
import { ParsePool } from './resolve/parse-pool.js';
import { wholeLineChunks } from './resolve/line-reader.js';

export interface ResolveFilesOptions {
  quotes: string;
  bookings: string;
  out: string;
  rules: ResolutionRules;
  /** Skip invalid lines (counted in the result) instead of stopping at the first. Default false. */
  skipInvalid?: boolean;
  /** Worker threads that parse and validate lines; 0 does everything in this thread. Default: defaultThreads(). */
  threads?: number;
}

export interface ResolveFilesResult {
  records: number;
  skipped: number;
  lines: number;
}

/** One core for this thread (reading, resolving), the others parse. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Chunks parsed ahead of the resolver per worker: enough to keep workers busy, little memory. */
const CHUNKS_AHEAD_PER_THREAD = 4;

interface Parser {
  parse(kind: TripKind, chunk: Uint8Array): Promise<ParsedBatch>;
  close(): Promise<void>;
}

/**
 * `quoteflow resolve`: the processor's resolution over NDJSON files of canonical records in arrival
 * order (quotes file first, then bookings; the result does not depend on the interleaving).
 *
 * Parsing, validation and normalisation run on worker threads, chunk by chunk; the resolver, which
 * depends on the order of changes, takes the parsed chunks on this thread strictly in file order.
 */
export async function resolveFiles(options: ResolveFilesOptions): Promise<ResolveFilesResult> {
  const threads = options.threads ?? defaultThreads();
  const parser: Parser =
    threads > 0
      ? new ParsePool(threads, options.rules)
      : {
          parse: (kind, chunk) => Promise.resolve(parseBatch(kind, chunk, options.rules)),
          close: () => Promise.resolve(),
        };
  // Without workers, each chunk is resolved as soon as it is parsed, as readline-by-line did.
  const maxInFlight = threads > 0 ? threads * CHUNKS_AHEAD_PER_THREAD : 1;
  const resolver = new Resolver(options.rules);
  let records = 0;
  let skipped = 0;
  // Chunks sent to the parser and not yet resolved, in file order.
  const inFlight: { source: { file: string; linesBefore: number }; batch: Promise<ParsedBatch> }[] = [];

  const resolveNext = async (): Promise<void> => {
    const next = inFlight.shift();
    if (!next) return;
    const { source } = next;
    const batch = await next.batch;
    let invalid = 0;
    for (let index = 0; index < batch.changes.length; index++) {
      const change = batch.changes[index];
      if (change) {
        resolver.apply(change);
        records++;
        continue;
      }
      const problem = batch.invalid[invalid];
      if (problem?.index !== index) continue; // an empty line
      invalid++;
      if (!options.skipInvalid) {
        throw new QuoteflowError(
          'RECORD_INVALID',
          `${source.file} line ${source.linesBefore + index + 1}: ${problem.message}`,
        );
      }
      skipped++;
    }
    source.linesBefore += batch.lineCount;
  };

  try {
    for (const [file, kind] of [
      [options.quotes, 'quote'],
      [options.bookings, 'booking'],
    ] as const) {
      const source = { file, linesBefore: 0 };
      for await (const chunk of wholeLineChunks(file)) {
        inFlight.push({ source, batch: parser.parse(kind, chunk) });
        if (inFlight.length >= maxInFlight) await resolveNext();
      }
    }
    while (inFlight.length > 0) await resolveNext();
  } finally {
    await parser.close();
  }
  return { records, skipped, lines: await writeResolution(resolver, options.out) };
}

/** Writes one JSON line per live record; returns how many. */
async function writeResolution(resolver: Resolver, file: string): Promise<number> {
  const output = resolutionLines(resolver);
  const out = createWriteStream(file);
  // Lines are written in runs of a thousand: one write per line costs more than the JSON.
  for (let start = 0; start < output.length; start += 1000) {
    let text = '';
    for (const line of output.slice(start, start + 1000)) text += `${JSON.stringify(line)}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return output.length;
}
