import type { CanonicalEvent } from '../../lib/records/canonical.js';
import type { SpoolRecord } from '../spool/frame.js';
import type { EventIssue } from './build-event.js';
import { toRecord } from './build-event.js';

export interface EncodeLimits {
  /** Deepest nesting of objects and arrays in an event, the event itself counting as 1. */
  maxDepth: number;
  /** Largest Kafka message (key and UTF-8 JSON value) of one event. */
  eventBytes: number;
}

export type EncodedEvents =
  { ok: true; records: SpoolRecord[] } | { ok: false; status: 400 | 413; issues: EventIssue[] };

/**
 * Turns events into the Kafka messages the collector will deliver, refusing before the client is
 * answered what could never be delivered: an event nested deeper than `maxDepth` (400; deeper
 * nesting is no analytics data, and past a few thousand levels JSON.stringify throws) and an
 * event whose message is larger than `eventBytes` once encoded (413). The size is the encoded
 * one: each invalid UTF-8 byte of the body became U+FFFD (three bytes) and each control
 * character becomes a six-byte escape, so a body under the limit can make an event three or six
 * times larger. Each issue names the event and the field responsible.
 */
export function encodeEvents(events: readonly CanonicalEvent[], limits: EncodeLimits): EncodedEvents {
  const deep: EventIssue[] = [];
  events.forEach((event, index) => {
    const path = pathPastDepth(event, limits.maxDepth);
    if (path !== null) {
      deep.push({ index, field: path, message: `nested deeper than ${limits.maxDepth} levels` });
    }
  });
  if (deep.length > 0) return { ok: false, status: 400, issues: deep };
  const records: SpoolRecord[] = [];
  const large: EventIssue[] = [];
  events.forEach((event, index) => {
    const record = toRecord(event);
    const bytes = record.value.length + Buffer.byteLength(record.key);
    if (bytes > limits.eventBytes) {
      large.push({
        index,
        field: largestField(event),
        message: `the event is ${bytes} bytes encoded as UTF-8 JSON (invalid UTF-8 bytes count as 3); at most ${limits.eventBytes}`,
      });
    }
    records.push(record);
  });
  if (large.length > 0) return { ok: false, status: 413, issues: large };
  return { ok: true, records };
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * The path of the first value nested deeper than `maxDepth` (the root is at depth 1), or null.
 * Iterative: it must not overflow the stack on the input it exists to refuse.
 */
export function pathPastDepth(root: unknown, maxDepth: number): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 1, path: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (!isContainer(item.value)) continue;
    if (item.depth > maxDepth) return item.path;
    for (const [key, child] of Object.entries(item.value)) {
      if (isContainer(child)) {
        stack.push({
          value: child,
          depth: item.depth + 1,
          path: item.path === '' ? key : `${item.path}.${key}`,
        });
      }
    }
  }
  return null;
}

/** The dotted path of the field that makes most of an event's size (descending into objects). */
function largestField(event: CanonicalEvent): string {
  let value: unknown = event;
  let path = '';
  for (let level = 0; level < 8 && isContainer(value); level++) {
    let best: { key: string; size: number; child: unknown } | undefined;
    for (const [key, child] of Object.entries(value)) {
      // undefined for a field that is undefined: it is not encoded at all.
      const text = JSON.stringify(child) as string | undefined;
      const size = text === undefined ? 0 : Buffer.byteLength(text);
      if (best === undefined || size > best.size) best = { key, size, child };
    }
    if (best === undefined) break;
    path = path === '' ? best.key : `${path}.${best.key}`;
    value = best.child;
  }
  return path;
}
