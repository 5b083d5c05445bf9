import type { DestinationStream, Logger } from 'pino';
import { pino } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values are secrets wherever they appear (up to four levels deep). */
const SECRET_KEYS = ['password', 'secret', 'token', 'apiKey', 'writeKey', 'authorization', 'cookie'];
/** Keys holding connection URLs, which may embed `user:password@`. */
const URL_KEYS = ['url', 'connectionString'];

function pathsFor(keys: readonly string[]): string[] {
  return keys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
}

/** `redis://user:pw@host:6379` → `redis://user:***@host:6379`; other text is returned as it is. */
export function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):([^@/]*)@/i, '$1$2:***@');
}

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? '';
  if (URL_KEYS.includes(key) && typeof value === 'string') return redactUrl(value);
  return value === undefined || value === null || value === '' ? value : '[redacted]';
}

export interface LoggerOptions {
  level?: string;
  /** The service or command name, on every line. */
  name?: string;
  /** Where lines go; standard output when absent (tests pass a stream to read them). */
  destination?: DestinationStream;
}

/** JSON lines on stdout, secrets redacted by key name before they are written. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.name ? { service: options.name } : {},
      redact: { paths: pathsFor([...SECRET_KEYS, ...URL_KEYS]), censor },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
