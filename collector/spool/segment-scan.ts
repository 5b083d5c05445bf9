import { readFile } from 'node:fs/promises';
import type { DecodedFrames } from './frame.js';
import { decodeFrames } from './frame.js';

export interface SegmentScan {
  fileBytes: number;
  /** Where the unacknowledged records start: `from` when it is a record boundary, else 0. */
  from: number;
  /** End of the last whole record. */
  validEnd: number;
  /** Whole records from `from` on. */
  records: number;
  /** Where and why the file stops making sense, when it has a torn tail; null when whole. */
  stop: DecodedFrames['stop'];
}

/**
 * Reads a segment left by an earlier process and counts its whole records from `from` (the
 * acknowledged position a cursor remembered). A `from` that is not a record boundary is ignored.
 */
export async function readSegmentFile(path: string, from = 0): Promise<SegmentScan> {
  const buffer = await readFile(path);
  const whole = decodeFrames(buffer);
  let start = 0;
  let records = whole.records.length;
  if (from > 0 && from <= whole.end) {
    const rest = decodeFrames(buffer.subarray(0, whole.end), from);
    if (rest.stop === null) {
      start = from;
      records = rest.records.length;
    }
  }
  return { fileBytes: buffer.length, from: start, validEnd: whole.end, records, stop: whole.stop };
}
