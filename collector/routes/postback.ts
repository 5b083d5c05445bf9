import type { IncomingMessage } from 'node:http';
import { buildEvents } from '../events/build-event.js';
import { nameUuid } from '../events/segment-call.js';
import type { RouteHandler } from '../handler-context.js';
import { HttpError } from '../http/http-error.js';
import { mediaType, parseJson, readBody } from '../http/read-body.js';
import { secretsEqual } from '../http/write-keys.js';
import { sendAccepted, invalidEvents, writeEvents } from './write-events.js';

export interface Partner {
  name: string;
  project: string;
  secret: string;
}

/** Parameters that steer the postback rather than describe the conversion. */
const RESERVED = new Set([
  'partner',
  'secret',
  'event',
  'id',
  'transactionId',
  'anonymousId',
  'aid',
  'userId',
  'uid',
]);

/** A UUID derived from a partner's transaction id, so a partner's retry gets the same id. */
export function transactionUuid(partner: string, transactionId: string): string {
  return nameUuid(`quoteflow-postback:${partner}:${transactionId}`);
}

async function readParams(req: IncomingMessage, url: URL, maxBytes: number): Promise<Map<string, string>> {
  const params = new Map<string, string>(url.searchParams);
  if (req.method !== 'POST') return params;
  const type = mediaType(req);
  const body = await readBody(req, {
    maxBytes,
    mediaTypes: ['application/json', 'application/x-www-form-urlencoded'],
  });
  if (type === 'application/json') {
    const parsed = parseJson(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new HttpError(400, 'bad_body', 'body must be a JSON object');
    }
    for (const [name, value] of Object.entries(parsed)) {
      if (value !== null && typeof value === 'object') {
        throw new HttpError(400, 'invalid_events', 'postback values must be plain values', {
          issues: [{ index: 0, field: name, message: 'must be a string, number or boolean' }],
        });
      }
      params.set(name, String(value));
    }
  } else {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, value);
  }
  return params;
}

/**
 * GET|POST /v1/postback: a partner's conversion. The partner names itself (`partner`) and proves
 * it with its secret (`secret` parameter or X-Quoteflow-Secret header); `event` names the
 * conversion (default "conversion"); `transactionId` makes the event id stable across the
 * partner's retries; other parameters become properties.
 */
export function postbackHandler(partners: readonly Partner[]): RouteHandler {
  const byName = new Map(partners.map((partner) => [partner.name, partner]));
  return async (req, res, ctx, { url }) => {
    const params = await readParams(req, url, ctx.config.limits.batchBytes);
    const header = req.headers['x-quoteflow-secret'];
    const secret = typeof header === 'string' ? header : params.get('secret');
    const partner = byName.get(params.get('partner') ?? '');
    if (!partner || secret === undefined || !secretsEqual(secret, partner.secret)) {
      throw new HttpError(401, 'unauthorized', 'unknown partner or wrong secret');
    }
    const properties: Record<string, string> = { partner: partner.name };
    for (const [name, value] of params) if (!RESERVED.has(name)) properties[name] = value;
    const transactionId = params.get('transactionId');
    if (transactionId !== undefined) properties.transactionId = transactionId;
    const input = {
      type: 'postback',
      name: params.get('event') ?? 'conversion',
      id:
        params.get('id') ??
        (transactionId === undefined ? undefined : transactionUuid(partner.name, transactionId)),
      anonymousId: params.get('anonymousId') ?? params.get('aid'),
      userId: params.get('userId') ?? params.get('uid'),
      properties,
    };
    const built = buildEvents([input], ctx.facts(req, partner.project), {
      allowedTypes: ['postback'],
      requireVisitor: false,
    });
    if (!built.ok) throw invalidEvents(built.issues, ctx, 1);
    await writeEvents(built.events, ctx);
    sendAccepted(res, 1);
  };
}
