import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { BuildResult } from '../events/build-event.js';
import { buildEach } from '../events/build-event.js';
import type { HandlerContext, RouteHandler } from '../handler-context.js';
import { HttpError } from '../http/http-error.js';
import { parseJson, readBody } from '../http/read-body.js';
import { WriteKeys } from '../http/write-keys.js';
import type { RejectionOrigin } from '../sink/rejected-events.js';
import { invalidEvents, sendAccepted, writeEvents } from './write-events.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body of a tracking call, read as JSON whatever its Content-Type: SDKs label the same JSON
 * `application/json`, `text/plain` (navigator.sendBeacon, analytics.js, to avoid a preflight) or
 * `application/x-www-form-urlencoded` (RudderStack's node SDK). A gzip body is decoded whether the
 * client says so with Content-Encoding or not (the gzip magic number cannot start JSON).
 */
async function readCallBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  let raw = await readBody(req, { maxBytes, mediaTypes: 'any' });
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipWithin(raw, maxBytes);
  const body = parseJson(raw);
  if (!isObject(body)) throw new HttpError(400, 'bad_body', 'body must be a JSON object');
  return body;
}

function gunzipWithin(raw: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError)
      throw new HttpError(413, 'too_large', `body larger than ${maxBytes} bytes`);
    throw new HttpError(400, 'bad_body', 'body is not valid gzip');
  }
}

/** The project of a request: the Basic auth user name, else the body's `writeKey` (401 otherwise). */
function projectOf(req: IncomingMessage, ctx: HandlerContext, body: Record<string, unknown>): string {
  const headerKey = WriteKeys.fromHeader(req);
  return ctx.writeKeys.project(headerKey ?? body.writeKey);
}

/**
 * Answers a request whose events were built one by one. Valid events are made durable and the
 * invalid ones go to qf.dlq with their reason: one bad event never costs its neighbours. The
 * answer is 200 `{accepted, rejected, issues}` when at least one event was accepted (SDKs do not
 * retry a 4xx, and must not resend the good ones), 400 with the issues when none was.
 */
async function deliver(
  built: BuildResult,
  count: number,
  res: ServerResponse,
  ctx: HandlerContext,
  origin: RejectionOrigin,
): Promise<void> {
  const issues = built.rejected.flatMap((r) => r.issues);
  if (built.accepted.length === 0) {
    void ctx.rejected.reject(built.rejected, origin);
    throw invalidEvents(issues, ctx, count);
  }
  await writeEvents(
    built.accepted.map((a) => a.event),
    ctx,
    built.accepted.map((a) => a.index),
  );
  if (built.rejected.length > 0) {
    ctx.metrics.events.inc({ outcome: 'rejected', reason: 'invalid' }, built.rejected.length);
    void ctx.rejected.reject(built.rejected, origin);
  }
  sendAccepted(res, built.accepted.length, issues, built.rejected.length);
}

/**
 * POST /v1/batch (and analytics.js's /v1/b): `{ "batch": [call…], "writeKey"?, "sentAt"? }`, the
 * calls of the Segment spec (track, identify, page, screen, group, alias) and views, mixed.
 */
export const handleBatch: RouteHandler = async (req, res, ctx) => {
  const body = await readCallBody(req, ctx.config.limits.batchBytes);
  const project = projectOf(req, ctx, body);
  const batch = body.batch;
  if (!Array.isArray(batch)) {
    throw new HttpError(400, 'invalid_events', 'batch must be a list of events', {
      issues: [{ index: null, field: 'batch', message: 'must be a list of events' }],
    });
  }
  if (batch.length > ctx.config.limits.batchEvents) {
    throw new HttpError(
      413,
      'too_many_events',
      `a batch holds at most ${ctx.config.limits.batchEvents} events`,
    );
  }
  const facts = ctx.facts(req, project);
  const built = buildEach(batch, facts, {
    defaults: body.sentAt === undefined ? {} : { sentAt: body.sentAt },
  });
  await deliver(built, batch.length, res, ctx, { project, route: 'batch', receivedAt: facts.receivedAt });
};

/**
 * POST /v1/<call> (and the one-letter paths of analytics.js, /v1/t, /v1/i…): one call, its type
 * given by the path unless the body names one, with its `writeKey` field or Basic auth.
 */
export function singleCallHandler(type: string): RouteHandler {
  return async (req, res, ctx) => {
    const body = await readCallBody(req, ctx.config.limits.batchBytes);
    const project = projectOf(req, ctx, body);
    const { writeKey: _writeKey, ...event } = body;
    const facts = ctx.facts(req, project);
    const built = buildEach([event], facts, { defaultType: type });
    await deliver(built, 1, res, ctx, { project, route: type, receivedAt: facts.receivedAt });
  };
}

/** The Segment spec's single-call paths: full names and analytics.js's first letters. */
export const SINGLE_CALLS = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
