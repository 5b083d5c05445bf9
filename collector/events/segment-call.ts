import { hash } from 'node:crypto';
import { timestampToEpochMs } from '../../lib/records/timestamp.js';

/**
 * The Segment tracking spec's fields mapped onto the canonical event (collector/README.md, "The
 * Segment spec"). Pure functions over what a client sent; each problem names the client's field.
 */

export interface FieldIssue {
  field: string;
  message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A UUID (version 5 layout) named by `name`: the same name always gives the same id. */
export function nameUuid(name: string): string {
  // The one-shot hash costs a fraction of createHash's object per call (one per event here).
  const digest = hash('sha1', name, 'buffer');
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The event id of a client's `messageId`. Segment's messageIds are any string (analytics-node's
 * `node-next-<ms>-<uuid>`), the canonical id is a UUID: the UUID named by the project and the
 * messageId, so an SDK's retry of a batch carries the ids of the first try and the processor's
 * deduplication by id drops it. Two projects may use the same messageId without colliding.
 */
export function messageUuid(project: string, messageId: string): string {
  return nameUuid(`quoteflow-message:${project.length}:${project}:${messageId}`);
}

/** The event's name: `name` or Segment's `event` for track; page/screen names are optional. */
export function eventName(type: string, input: Record<string, unknown>): unknown {
  const given = input.name ?? input.event;
  if (type === 'track' || type === 'view') return given;
  return given === undefined || given === null || given === '' ? type : given;
}

export type EventTimes =
  { ok: true; timestamp: string; originalTimestamp: string | null } | { ok: false; issue: FieldIssue };

const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const MIN_MS = Date.UTC(0, 0, 1);

/**
 * When the event happened. The client's clock reading is `timestamp` (Segment's libraries) or
 * `originalTimestamp` (RudderStack's). As Segment does, a client that also says when it sent the
 * event (`sentAt`) is assumed to be off by the same amount on both readings: the event time is
 * `receivedAt − (sentAt − originalTimestamp)`, which removes the skew of a device's clock. Without
 * `sentAt` the client's reading is taken as it is; without any, the event happened at
 * `receivedAt`. (`sentAt` itself is validated by the canonical schema.) A correction that would
 * leave the years 0–9999 keeps the client's reading.
 */
export function eventTimes(input: Record<string, unknown>, receivedAt: string): EventTimes {
  let original: string | null = null;
  let at = 0;
  for (const field of ['timestamp', 'originalTimestamp'] as const) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    const ms = typeof value === 'string' ? timestampToEpochMs(value) : undefined;
    if (ms === undefined) return { ok: false, issue: { field, message: 'must be an ISO-8601 date-time' } };
    if (original === null) {
      original = value as string;
      at = ms;
    }
  }
  if (original === null) return { ok: true, timestamp: receivedAt, originalTimestamp: null };
  const sent = typeof input.sentAt === 'string' ? timestampToEpochMs(input.sentAt) : undefined;
  if (sent === undefined) return { ok: true, timestamp: original, originalTimestamp: original };
  const corrected = Date.parse(receivedAt) - (sent - at);
  if (corrected < MIN_MS || corrected > MAX_MS) {
    return { ok: true, timestamp: original, originalTimestamp: original };
  }
  return { ok: true, timestamp: new Date(corrected).toISOString(), originalTimestamp: original };
}

/** Context keys only the server may set: the connection's address and agent, and their parse. */
const SERVER_CONTEXT_KEYS = new Set(['ip', 'userAgent', 'agent']);

export type ClientContext = { ok: true; context: Record<string, unknown> } | { ok: false; issue: FieldIssue };

/**
 * The client's context, kept as sent except: `ip`, `userAgent` and `agent` are the server's (set
 * by the caller); analytics.js's `context.page` object (`{path, referrer, search, title, url}`)
 * becomes `page` = its url and `pageInfo` = the object, and the spec's `context.referrer` object
 * becomes `referrer` = its url (or link) and `referrerInfo`; without a referrer of its own, the
 * page's referrer is the event's.
 */
export function clientContext(raw: unknown): ClientContext {
  if (raw === undefined || raw === null) return { ok: true, context: { campaign: {} } };
  if (!isObject(raw)) return { ok: false, issue: { field: 'context', message: 'must be an object' } };
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!SERVER_CONTEXT_KEYS.has(key)) context[key] = value;
  }
  const page = raw.page;
  if (isObject(page)) {
    context.pageInfo = page;
    context.page = typeof page.url === 'string' ? page.url : null;
  }
  const referrer = raw.referrer;
  if (isObject(referrer)) {
    context.referrerInfo = referrer;
    context.referrer = [referrer.url, referrer.link].find((v) => typeof v === 'string') ?? null;
  } else if ((referrer === undefined || referrer === null) && isObject(page)) {
    context.referrer = typeof page.referrer === 'string' && page.referrer !== '' ? page.referrer : null;
  }
  context.campaign = raw.campaign ?? {};
  return { ok: true, context };
}

/** The traits of an identify or group call: top-level `traits`, else (RudderStack, identify) `context.traits`. */
export function eventTraits(type: string, input: Record<string, unknown>): unknown {
  if (input.traits !== undefined && input.traits !== null) return input.traits;
  if (type === 'identify' && isObject(input.context)) return input.context.traits ?? null;
  return null;
}

/** The fields a call type needs beyond a visitor: alias names its earlier identity, group its group. */
export function requiredFields(type: string, input: Record<string, unknown>): FieldIssue | undefined {
  const missing = (value: unknown) => value === undefined || value === null || value === '';
  if (type === 'alias') {
    if (missing(input.previousId)) return { field: 'previousId', message: 'alias needs previousId' };
    if (missing(input.userId)) return { field: 'userId', message: 'alias needs userId' };
  }
  if (type === 'group' && missing(input.groupId)) return { field: 'groupId', message: 'group needs groupId' };
  return undefined;
}
