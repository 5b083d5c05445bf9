import type { TripChange } from '../core/resolver.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { describeIssues, parseTripRecord } from '../core/parse-trip-record.js';
import { splitLines } from './line-reader.js';

export type TripKind = 'quote' | 'booking';

/**
 * What `quoteflow resolve` needs from a chunk of lines, small enough to cross threads cheaply
 * (plain objects and strings; the parsed records themselves are not sent back).
 */
export interface ParsedBatch {
  /** Lines in the chunk, empty ones included: the next chunk's line numbers start after them. */
  lineCount: number;
  /** One entry per line: its change, or null for an empty or invalid line. */
  changes: (TripChange | null)[];
  /** The invalid lines in order, by index in the chunk, with the problem as the error states it. */
  invalid: { index: number; message: string }[];
}

/** Parse, validate and normalise every line of a chunk (see wholeLineChunks). No side effects. */
export function parseBatch(kind: TripKind, chunk: Uint8Array, rules: ResolutionRules): ParsedBatch {
  const lines = splitLines(chunk);
  const changes: (TripChange | null)[] = new Array<TripChange | null>(lines.length).fill(null);
  const invalid: ParsedBatch['invalid'] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parsed = parseTripRecord(line, kind, rules);
    if (parsed.ok) changes[index] = parsed.change;
    else invalid.push({ index, message: describeIssues(parsed.issues) });
  }
  return { lineCount: lines.length, changes, invalid };
}
