import type { IncomingMessage } from 'node:http';
import { buildEvents } from '../events/build-event.js';
import type { RouteHandler } from '../handler-context.js';
import { HttpError } from '../http/http-error.js';
import { parseJson, readBody } from '../http/read-body.js';
import { WriteKeys } from '../http/write-keys.js';
import { invalidEvents, sendAccepted, writeEvents } from './write-events.js';

// text/plain: what navigator.sendBeacon sends without a CORS preflight.
const JSON_TYPES = ['application/json', 'text/plain'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

async function readJsonObject(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const body = parseJson(await readBody(req, { maxBytes, mediaTypes: JSON_TYPES }));
  if (!isObject(body)) throw new HttpError(400, 'bad_body', 'body must be a JSON object');
  return body;
}

/** POST /v1/batch: `{ "batch": [event…], "writeKey"?, "sentAt"? }`, all events or none. */
export const handleBatch: RouteHandler = async (req, res, ctx) => {
  const headerKey = WriteKeys.fromHeader(req);
  if (headerKey !== undefined) ctx.writeKeys.project(headerKey);
  const body = await readJsonObject(req, ctx.config.limits.batchBytes);
  const project = ctx.writeKeys.project(headerKey ?? body.writeKey);
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
  const built = buildEvents(batch, ctx.facts(req, project), {
    defaults: body.sentAt === undefined ? {} : { sentAt: body.sentAt },
  });
  if (!built.ok) throw invalidEvents(built.issues, ctx, batch.length);
  await writeEvents(built.events, ctx);
  sendAccepted(res, built.events.length);
};

/** POST /v1/track: one event, with its `writeKey` field or Basic auth. */
export const handleTrack: RouteHandler = async (req, res, ctx) => {
  const headerKey = WriteKeys.fromHeader(req);
  if (headerKey !== undefined) ctx.writeKeys.project(headerKey);
  const body = await readJsonObject(req, ctx.config.limits.batchBytes);
  const project = ctx.writeKeys.project(headerKey ?? body.writeKey);
  const { writeKey: _writeKey, ...event } = body;
  const built = buildEvents([event], ctx.facts(req, project));
  if (!built.ok) throw invalidEvents(built.issues, ctx, 1);
  await writeEvents(built.events, ctx);
  sendAccepted(res, 1);
};
