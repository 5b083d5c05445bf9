import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/**
 * Maps write keys to their projects. A client sends its key as the user name of HTTP Basic auth
 * with an empty password (what Segment's libraries do), or as a `writeKey` field or parameter.
 */
export class WriteKeys {
  private readonly projects = new Map<string, string>();

  constructor(projects: readonly { name: string; writeKeys: readonly string[] }[]) {
    for (const project of projects) for (const key of project.writeKeys) this.projects.set(key, project.name);
  }

  /** The key of the Authorization header, or undefined when there is none (malformed → 401). */
  static fromHeader(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match?.[1])
      throw new HttpError(401, 'bad_authorization', 'Authorization must be Basic <base64 writeKey:>');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon);
  }

  /** The project of a key; 401 when the key is missing or unknown. */
  project(key: unknown): string {
    if (key === undefined || key === null || key === '') {
      throw new HttpError(
        401,
        'missing_write_key',
        'a write key is required (Basic auth user name or writeKey)',
      );
    }
    const project = typeof key === 'string' ? this.projects.get(key) : undefined;
    if (project === undefined) throw new HttpError(401, 'unknown_write_key', 'unknown write key');
    return project;
  }
}

/** Compares secrets in constant time. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
