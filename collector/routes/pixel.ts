import { buildEvents } from '../events/build-event.js';
import type { RouteHandler } from '../handler-context.js';
import { WriteKeys } from '../http/write-keys.js';
import { invalidEvents, writeEvents } from './write-events.js';

/** The smallest transparent GIF (43 bytes). */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const NO_CACHE = {
  'cache-control': 'no-store, no-cache, must-revalidate, private, max-age=0',
  pragma: 'no-cache',
  expires: '0',
};

const CAMPAIGN_PARAMS: Record<string, string> = {
  utm_source: 'source',
  utm_medium: 'medium',
  utm_campaign: 'name',
  utm_term: 'term',
  utm_content: 'content',
};

/**
 * GET /v1/pixel.gif: a view event from query parameters: `writeKey` (or Basic auth), `name`
 * (default "pageview"), `anonymousId`/`aid`, `userId`/`uid`, `id`, `url`, `ref`, `utm_*`, and
 * `p.<name>` for properties (strings). Answered with a 1x1 GIF the browser never caches.
 */
export const handlePixel: RouteHandler = async (req, res, ctx, { url }) => {
  const query = url.searchParams;
  const project = ctx.writeKeys.project(WriteKeys.fromHeader(req) ?? query.get('writeKey') ?? undefined);
  const properties: Record<string, string> = {};
  const campaign: Record<string, string> = {};
  for (const [name, value] of query) {
    if (name.startsWith('p.') && name.length > 2) properties[name.slice(2)] = value;
    const campaignKey = CAMPAIGN_PARAMS[name];
    if (campaignKey !== undefined) campaign[campaignKey] = value;
  }
  const optional = (...names: string[]) => {
    for (const name of names) {
      const value = query.get(name);
      if (value !== null) return value;
    }
    return undefined;
  };
  const input = {
    type: 'view',
    name: optional('name') ?? 'pageview',
    id: optional('id'),
    anonymousId: optional('anonymousId', 'aid'),
    userId: optional('userId', 'uid'),
    properties,
    context: {
      page: optional('url') ?? req.headers.referer ?? null,
      referrer: optional('ref') ?? null,
      campaign,
    },
  };
  const built = buildEvents([input], ctx.facts(req, project), {
    allowedTypes: ['view'],
    requireVisitor: false,
  });
  if (!built.ok) throw invalidEvents(built.issues, ctx, 1);
  await writeEvents(built.events, ctx);
  res.writeHead(200, { ...NO_CACHE, 'content-type': 'image/gif', 'content-length': String(GIF.length) });
  res.end(GIF);
};
