import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '../../lib/records/canonical.js';
import { validateRecord } from '../../lib/records/validate-record.js';
import type { SpoolRecord } from '../spool/frame.js';
import type { ParsedAgent } from './user-agent.js';

/** What the server knows about the request an event came in. */
export interface RequestFacts {
  project: string;
  receivedAt: string;
  ip: string | null;
  userAgent: string | null;
  agent: ParsedAgent | null;
}

/** A problem with one event of a request: which event, which field, what is wrong. */
export interface EventIssue {
  index: number;
  field: string;
  message: string;
}

export type BuiltEvents = { ok: true; events: CanonicalEvent[] } | { ok: false; issues: EventIssue[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Event types a client may send; clicks and postbacks are made by the collector itself. */
export const CLIENT_EVENT_TYPES = ['track', 'view'] as const;

/**
 * Turns what a client sent into canonical events: the server sets `kind`, `project`,
 * `receivedAt`, the client IP and the parsed user agent (a client cannot forge them), fills in
 * an `id` when none was given, and validates the result against the canonical schema. Any error
 * in any event rejects them all, each error naming its event's index and field.
 */
export function buildEvents(
  inputs: readonly unknown[],
  facts: RequestFacts,
  options: {
    allowedTypes?: readonly string[];
    defaults?: Record<string, unknown>;
    /** Whether anonymousId or userId must be given (not for pixels, clicks and postbacks). */
    requireVisitor?: boolean;
  } = {},
): BuiltEvents {
  const allowed = options.allowedTypes ?? CLIENT_EVENT_TYPES;
  const events: CanonicalEvent[] = [];
  const issues: EventIssue[] = [];
  inputs.forEach((input, index) => {
    if (!isObject(input)) {
      issues.push({ index, field: '', message: 'must be a JSON object' });
      return;
    }
    const merged = { ...options.defaults, ...input };
    const type = merged.type ?? 'track';
    if (typeof type !== 'string' || !allowed.includes(type)) {
      issues.push({
        index,
        field: 'type',
        message: `must be one of: ${allowed.map((t) => `"${t}"`).join(', ')}`,
      });
      return;
    }
    const anonymousId = merged.anonymousId ?? null;
    const userId = merged.userId ?? null;
    if (
      options.requireVisitor !== false &&
      (anonymousId === null || anonymousId === '') &&
      (userId === null || userId === '')
    ) {
      issues.push({ index, field: 'anonymousId', message: 'anonymousId or userId is required' });
      return;
    }
    const clientContext = isObject(merged.context) ? merged.context : {};
    if (merged.context !== undefined && merged.context !== null && !isObject(merged.context)) {
      issues.push({ index, field: 'context', message: 'must be an object' });
      return;
    }
    const candidate = {
      kind: 'event',
      id: merged.id ?? randomUUID(),
      type,
      // Segment's libraries call the name `event`.
      name: merged.name ?? merged.event,
      receivedAt: facts.receivedAt,
      sentAt: merged.sentAt ?? null,
      project: facts.project,
      anonymousId,
      userId,
      properties: merged.properties ?? {},
      context: {
        page: clientContext.page ?? null,
        referrer: clientContext.referrer ?? null,
        campaign: clientContext.campaign ?? {},
        ip: facts.ip,
        userAgent: facts.userAgent,
        agent: facts.agent,
      },
    };
    const result = validateRecord(candidate);
    if (!result.ok) {
      for (const issue of result.issues) issues.push({ index, field: issue.path, message: issue.message });
      return;
    }
    events.push(result.record as CanonicalEvent);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, events };
}

/** The Kafka message of an event, keyed by visitor so that one visitor's events keep their order. */
export function toRecord(event: CanonicalEvent): SpoolRecord {
  return {
    key: event.anonymousId ?? event.userId ?? event.id,
    value: Buffer.from(JSON.stringify(event)),
  };
}
