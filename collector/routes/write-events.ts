import type { ServerResponse } from 'node:http';
import type { CanonicalEvent } from '../../lib/records/canonical.js';
import { QuoteflowError } from '../../lib/errors.js';
import type { EventIssue } from '../events/build-event.js';
import { encodeEvents } from '../events/encode-events.js';
import type { HandlerContext } from '../handler-context.js';
import { HttpError } from '../http/http-error.js';

/**
 * Makes events durable (Kafka or the spool) and only then lets the caller answer. What Kafka
 * could never take is refused first (400 for over-deep nesting, 413 for an event too large once
 * encoded; see `encodeEvents`), so that everything accepted can be delivered. A full spool
 * becomes 503 with Retry-After: the client keeps the events and tries again; nothing is dropped
 * silently.
 */
export async function writeEvents(
  events: readonly CanonicalEvent[],
  ctx: HandlerContext,
  /** The index in the request of each event (default: its position), for the issues. */
  indexes?: readonly number[],
): Promise<void> {
  const encoded = encodeEvents(events, ctx.config.limits);
  if (!encoded.ok) {
    const issues = encoded.issues.map((issue) => ({
      ...issue,
      index: indexes?.[issue.index] ?? issue.index,
    }));
    if (encoded.status === 400) throw invalidEvents(issues, ctx, events.length);
    ctx.metrics.events.inc({ outcome: 'rejected', reason: 'too_large' }, events.length);
    throw new HttpError(413, 'event_too_large', 'some events are too large to deliver; none was accepted', {
      issues: issues.slice(0, 100),
    });
  }
  try {
    await ctx.sink.write(encoded.records);
  } catch (error) {
    const reason = error instanceof QuoteflowError ? error.code.toLowerCase() : 'error';
    ctx.metrics.events.inc({ outcome: 'refused', reason }, events.length);
    ctx.logger.warn(
      { reason, events: events.length, err: error },
      'events refused: neither Kafka nor the spool took them',
    );
    throw new HttpError(
      503,
      'unavailable',
      'events could not be stored; retry later',
      {},
      { 'retry-after': String(ctx.config.spool.retryAfterSeconds) },
    );
  }
}

/** 400 naming every bad event by index and field. */
export function invalidEvents(issues: readonly EventIssue[], ctx: HandlerContext, count: number): HttpError {
  ctx.metrics.events.inc({ outcome: 'rejected', reason: 'invalid' }, count);
  return new HttpError(400, 'invalid_events', 'some events are invalid; none was accepted', {
    issues: issues.slice(0, 100),
  });
}

/**
 * 200 with the count of accepted events; when some of the request's events were refused, their
 * count and the issues (at most 100) too.
 */
export function sendAccepted(
  res: ServerResponse,
  count: number,
  issues: readonly EventIssue[] = [],
  rejected = 0,
): void {
  const payload = JSON.stringify(
    rejected === 0 ? { accepted: count } : { accepted: count, rejected, issues: issues.slice(0, 100) },
  );
  res.writeHead(200, {
    'access-control-allow-origin': '*',
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}
