/**
 * The high-water mark of poll mode is the last-modified column's value as the database returned it
 * (its text, so it goes back into the query unchanged). These helpers order such values and step
 * one back by the look-back window, without knowing the column's zone: a value and the value
 * `ms` earlier share their zone, so wall-clock arithmetic is exact (except across a daylight-saving
 * change of a zone-less column, where the window is one hour shorter or longer).
 */
const DB_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?$/i;

export type Cursorable = string | number;

function parse(value: string) {
  const match = DB_TIMESTAMP.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const wallMs = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
  );
  const digits = (fraction ?? '').padEnd(9, '0');
  return {
    wallMs,
    subMsNanos: Number(digits.slice(3)),
    msFraction: Number(digits.slice(0, 3)),
    offset: offset ?? '',
  };
}

function offsetMinutes(offset: string): number {
  const text = offset.trim();
  if (text === '' || text.toUpperCase() === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** A number that orders the column's values: integers as they are, timestamps by instant (ns). */
export function cursorOrder(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) return BigInt(value.getTime()) * 1_000_000n;
  if (typeof value !== 'string') return undefined;
  if (/^\d{1,30}$/.test(value.trim())) return BigInt(value.trim());
  const parts = parse(value);
  if (!parts) return undefined;
  const instantMs = parts.wallMs + parts.msFraction - offsetMinutes(parts.offset) * 60_000;
  return BigInt(instantMs) * 1_000_000n + BigInt(parts.subMsNanos);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * The value `ms` before the given one, in the same form, for `updatedAt >= ?`. Integer columns
 * (a change counter) are returned as they are: the window is a time.
 */
export function stepBack(value: Cursorable, ms: number): Cursorable {
  if (typeof value !== 'string' || /^\d{1,30}$/.test(value.trim())) return value;
  const parts = parse(value);
  if (!parts) return value;
  const total = parts.wallMs + parts.msFraction - ms;
  const d = new Date(total);
  const fraction = `${pad(d.getUTCMilliseconds(), 3)}${pad(parts.subMsNanos, 6)}`.slice(0, 6);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${fraction}${parts.offset.trim()}`
  );
}
