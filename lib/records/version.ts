import { parseTimestamp } from './timestamp.js';

/**
 * A record's version grows with every change of its source row: an integer (an LSN, a binlog
 * position, a sequence; as a number or, beyond 2^53, as a string of digits) or an ISO-8601 UTC
 * timestamp. The highest version wins whatever the arrival order.
 */
export type RecordVersion = number | string;

const DIGITS = /^\d+$/;

function asNanoseconds(timestamp: string): bigint | undefined {
  const parts = parseTimestamp(timestamp);
  if (!parts) return undefined;
  const ms = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return BigInt(ms) * 1_000_000n + BigInt(parts.nanos);
}

/**
 * Orders two versions: negative when a is older. Integers compare as integers and timestamps by
 * the instant; a source that switched from integers to timestamps would compare integers as older
 * (one total order, so a replay can never flip the winner).
 */
export function compareVersions(a: RecordVersion, b: RecordVersion): number {
  const aInteger = typeof a === 'number' || DIGITS.test(a);
  const bInteger = typeof b === 'number' || DIGITS.test(b);
  if (aInteger !== bInteger) return aInteger ? -1 : 1;
  const x = aInteger ? BigInt(a) : asNanoseconds(a);
  const y = bInteger ? BigInt(b) : asNanoseconds(b);
  if (x === undefined || y === undefined) throw new TypeError('compareVersions: not a record version');
  return x < y ? -1 : x > y ? 1 : 0;
}
