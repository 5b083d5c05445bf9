import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '../../lib/records/canonical.js';
import { validateRecord } from '../../lib/records/validate-record.js';
import type { SpoolRecord } from '../spool/frame.js';
import type { FieldIssue } from './segment-call.js';
import {
  clientContext,
  eventName,
  eventTimes,
  eventTraits,
  messageUuid,
  requiredFields,
} from './segment-call.js';
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

/** An event of a request that could not be taken, with what the client sent and why. */
export interface RejectedEvent {
  index: number;
  input: unknown;
  issues: EventIssue[];
}

/** Each event of a request on its own: those that became canonical events, and the others. */
export interface BuildResult {
  accepted: { index: number; event: CanonicalEvent }[];
  rejected: RejectedEvent[];
}

export interface BuildOptions {
  allowedTypes?: readonly string[];
  /** Fields every event of the request has unless it sets them itself (a batch's `sentAt`). */
  defaults?: Record<string, unknown>;
  /** The type of an event that names none (default `track`; a single-call path's own type). */
  defaultType?: string;
  /** Whether anonymousId or userId must be given (not for pixels, clicks and postbacks). */
  requireVisitor?: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Event types a client may send: the Segment spec's calls and the pixel's view; clicks and postbacks are made by the collector itself. */
export const CLIENT_EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias', 'view'] as const;

const missing = (value: unknown) => value === undefined || value === null || value === '';

/**
 * Turns what a client sent into canonical events, each on its own: the server sets `kind`,
 * `project`, `receivedAt`, the client IP and the parsed user agent (a client cannot forge them),
 * makes the `id` (from the client's `messageId`, else a new one, unless the client gave a UUID
 * `id`), maps the Segment spec's fields (segment-call.ts) and validates the result against the
 * canonical schema. Each issue names its event's index and field.
 */
export function buildEach(
  inputs: readonly unknown[],
  facts: RequestFacts,
  options: BuildOptions = {},
): BuildResult {
  const allowed = options.allowedTypes ?? CLIENT_EVENT_TYPES;
  const result: BuildResult = { accepted: [], rejected: [] };
  inputs.forEach((input, index) => {
    const built = buildOne(input, facts, options, allowed);
    if (built.ok) result.accepted.push({ index, event: built.event });
    else result.rejected.push({ index, input, issues: built.issues.map((issue) => ({ index, ...issue })) });
  });
  return result;
}

/** All the events of a request or none (pixels, clicks, postbacks: one event a request). */
export function buildEvents(
  inputs: readonly unknown[],
  facts: RequestFacts,
  options: BuildOptions = {},
): BuiltEvents {
  const { accepted, rejected } = buildEach(inputs, facts, options);
  return rejected.length > 0
    ? { ok: false, issues: rejected.flatMap((r) => r.issues) }
    : { ok: true, events: accepted.map((a) => a.event) };
}

type OneEvent = { ok: true; event: CanonicalEvent } | { ok: false; issues: FieldIssue[] };

function buildOne(
  input: unknown,
  facts: RequestFacts,
  options: BuildOptions,
  allowed: readonly string[],
): OneEvent {
  if (!isObject(input)) return { ok: false, issues: [{ field: '', message: 'must be a JSON object' }] };
  const merged = { ...options.defaults, ...input };
  const type = merged.type ?? options.defaultType ?? 'track';
  if (typeof type !== 'string' || !allowed.includes(type)) {
    return {
      ok: false,
      issues: [{ field: 'type', message: `must be one of: ${allowed.map((t) => `"${t}"`).join(', ')}` }],
    };
  }
  const anonymousId = merged.anonymousId ?? null;
  const userId = merged.userId ?? null;
  if (options.requireVisitor !== false && missing(anonymousId) && missing(userId)) {
    return { ok: false, issues: [{ field: 'anonymousId', message: 'anonymousId or userId is required' }] };
  }
  const required = requiredFields(type, merged);
  if (required) return { ok: false, issues: [required] };
  const context = clientContext(merged.context);
  if (!context.ok) return { ok: false, issues: [context.issue] };
  const times = eventTimes(merged, facts.receivedAt);
  if (!times.ok) return { ok: false, issues: [times.issue] };
  const messageId = typeof merged.messageId === 'string' && merged.messageId !== '' ? merged.messageId : null;
  if (merged.messageId !== undefined && merged.messageId !== null && messageId === null) {
    return { ok: false, issues: [{ field: 'messageId', message: 'must be a non-empty string' }] };
  }
  const id = merged.id ?? (messageId === null ? randomUUID() : messageUuid(facts.project, messageId));
  const candidate = {
    kind: 'event',
    id,
    type,
    name: eventName(type, merged),
    receivedAt: facts.receivedAt,
    sentAt: merged.sentAt ?? null,
    messageId: messageId ?? (typeof id === 'string' ? id : null),
    timestamp: times.timestamp,
    originalTimestamp: times.originalTimestamp,
    project: facts.project,
    anonymousId,
    userId,
    traits: eventTraits(type, merged),
    groupId: merged.groupId ?? null,
    previousId: merged.previousId ?? null,
    integrations: merged.integrations ?? null,
    channel: merged.channel ?? null,
    properties: pageProperties(type, merged),
    context: {
      ...context.context,
      ip: facts.ip,
      userAgent: facts.userAgent,
      agent: facts.agent,
    },
  };
  const result = validateRecord(candidate);
  if (!result.ok)
    return { ok: false, issues: result.issues.map((i) => ({ field: i.path, message: i.message })) };
  return { ok: true, event: result.record as CanonicalEvent };
}

/** A page or screen call's `category` (a field of its own in the spec) is kept among its properties. */
function pageProperties(type: string, input: Record<string, unknown>): unknown {
  const properties = input.properties ?? {};
  if ((type !== 'page' && type !== 'screen') || typeof input.category !== 'string' || !isObject(properties)) {
    return properties;
  }
  return 'category' in properties ? properties : { ...properties, category: input.category };
}

/** The Kafka message of an event, keyed by visitor so that one visitor's events keep their order. */
export function toRecord(event: CanonicalEvent): SpoolRecord {
  return {
    key: event.anonymousId ?? event.userId ?? event.id,
    value: Buffer.from(JSON.stringify(event)),
  };
}
