import { buildEvents } from '../events/build-event.js';
import type { RouteHandler } from '../handler-context.js';
import { HttpError } from '../http/http-error.js';
import type { LinkCache } from '../links/link-cache.js';
import { writeEvents } from './write-events.js';

/**
 * GET /r/:code: 302 to the link's target from the in-memory cache, after the click event is
 * durable. Query parameters `aid`/`uid` name the visitor when the site knows it. When the spool is
 * full the visitor is still redirected (a person waiting on a link matters more) and the lost
 * click is counted (events_total{outcome="refused"}) and logged, never silently dropped.
 */
export function redirectHandler(cache: LinkCache): RouteHandler {
  return async (req, res, ctx, { url, pathParam }) => {
    if (!cache.ready) {
      throw new HttpError(503, 'links_loading', 'links are not loaded yet', {}, { 'retry-after': '1' });
    }
    const link = cache.get(pathParam ?? '');
    if (!link) throw new HttpError(404, 'not_found', 'no such link');
    const query = url.searchParams;
    const input = {
      type: 'click',
      name: 'click',
      anonymousId: query.get('aid') ?? undefined,
      userId: query.get('uid') ?? undefined,
      properties: { code: link.code, target: link.target },
      context: { page: link.target, referrer: req.headers.referer ?? null, campaign: link.campaign },
    };
    const built = buildEvents([input], ctx.facts(req, link.project), {
      allowedTypes: ['click'],
      requireVisitor: false,
    });
    if (built.ok) {
      try {
        await writeEvents(built.events, ctx);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
      }
    } else {
      ctx.logger.warn({ code: link.code, issues: built.issues }, 'click event invalid; redirecting anyway');
    }
    res.writeHead(302, { location: link.target, 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  };
}
