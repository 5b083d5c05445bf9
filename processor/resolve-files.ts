import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { QuoteflowError } from '../lib/errors.js';
import { describeIssues, parseTripRecord } from './core/parse-trip-record.js';
import { resolutionLines } from './core/resolution-output.js';
import { Resolver } from './core/resolver.js';
import type { ResolutionRules } from './core/rules.js';

export interface ResolveFilesOptions {
  quotes: string;
  bookings: string;
  out: string;
  rules: ResolutionRules;
  /** Skip invalid lines (counted in the result) instead of stopping at the first. Default false. */
  skipInvalid?: boolean;
}

export interface ResolveFilesResult {
  records: number;
  skipped: number;
  lines: number;
}

/**
 * `quoteflow resolve`: the processor's resolution over NDJSON files of canonical records in arrival
 * order (quotes file first, then bookings; the result does not depend on the interleaving).
 */
export async function resolveFiles(options: ResolveFilesOptions): Promise<ResolveFilesResult> {
  const resolver = new Resolver(options.rules);
  let records = 0;
  let skipped = 0;
  for (const [file, kind] of [
    [options.quotes, 'quote'],
    [options.bookings, 'booking'],
  ] as const) {
    let lineNumber = 0;
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const parsed = parseTripRecord(line, kind, options.rules);
      if (!parsed.ok) {
        if (options.skipInvalid) {
          skipped++;
          continue;
        }
        throw new QuoteflowError(
          'RECORD_INVALID',
          `${file} line ${lineNumber}: ${describeIssues(parsed.issues)}`,
        );
      }
      resolver.apply(parsed.change);
      records++;
    }
  }
  const output = resolutionLines(resolver);
  const out = createWriteStream(options.out);
  for (const line of output) {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { records, skipped, lines: output.length };
}
