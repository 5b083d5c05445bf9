import { wallTimeToEpochMs } from '../../lib/time/zone.js';

/**
 * Source timestamps arrive as the database's text: `2026-06-25 20:14:00.123456` (a local time of
 * the source's zone), `2026-06-25 18:14:00+00` (Postgres timestamptz) or ISO-8601, or as a Date
 * (binlog readers). toUtcIso turns any of them into an ISO-8601 UTC string, keeping the sub-second
 * digits the source stored (without trailing zeros) so that versions made from it stay distinct.
 */
const SOURCE_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isoFromEpoch(epochMs: number, digits: string): string {
  const d = new Date(epochMs);
  // Databases print the same instant as .29 or .290000: trailing zeros go, so versions agree.
  const fraction = digits.replace(/0+$/, '');
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${base}${fraction === '' ? '' : `.${fraction}`}Z`;
}

function offsetMs(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
}

/** An ISO-8601 UTC string, or undefined when the value is not a date-time. */
export function toUtcIso(value: unknown, zone: string): string | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? undefined
      : isoFromEpoch(value.getTime(), pad(value.getUTCMilliseconds(), 3));
  }
  if (typeof value !== 'string') return undefined;
  const match = SOURCE_TIMESTAMP.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const fields = [
    Number(y),
    Number(mo),
    Number(d),
    Number(h ?? '0'),
    Number(mi ?? '0'),
    Number(s ?? '0'),
  ] as const;
  const wall = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
  const probe = new Date(wall);
  if (
    probe.getUTCFullYear() !== fields[0] ||
    probe.getUTCMonth() !== fields[1] - 1 ||
    probe.getUTCDate() !== fields[2] ||
    probe.getUTCHours() !== fields[3] ||
    probe.getUTCMinutes() !== fields[4] ||
    probe.getUTCSeconds() !== fields[5]
  ) {
    return undefined;
  }
  const epoch = offset === undefined ? wallTimeToEpochMs(wall, zone) : wall - offsetMs(offset);
  return isoFromEpoch(epoch, fraction ?? '');
}
