import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { valueFreeErrorMap, toValidationIssues } from '../../lib/validation/issues.js';
import type { RouteHandler } from '../handler-context.js';
import { HttpError } from '../http/http-error.js';
import { parseJson, readBody } from '../http/read-body.js';
import { sendJson } from '../http/respond.js';
import { secretsEqual } from '../http/write-keys.js';
import type { LinkInput } from '../links/link.js';
import { linkCodeSchema, linkInputSchema } from '../links/link.js';
import type { LinkStore } from '../links/link-store.js';

export interface LinksApiOptions {
  store: LinkStore;
  /** Accepted bearer tokens; none closes the API. */
  tokens: readonly string[];
  /** Projects a link may name. */
  projects: readonly string[];
}

function authorize(req: IncomingMessage, tokens: readonly string[]): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const token = match?.[1];
  if (token === undefined || !tokens.some((candidate) => secretsEqual(token, candidate))) {
    throw new HttpError(
      401,
      'unauthorized',
      'a valid Bearer token is required',
      {},
      { 'www-authenticate': 'Bearer' },
    );
  }
}

async function readLinkInput(
  req: IncomingMessage,
  projects: readonly string[],
): Promise<LinkInput & { code?: unknown }> {
  const body = parseJson(await readBody(req, { maxBytes: 64 * 1024, mediaTypes: ['application/json'] }));
  const { code, ...rest } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  const parsed = linkInputSchema.safeParse(rest, { error: valueFreeErrorMap });
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_link', 'the link is invalid', {
      issues: toValidationIssues(parsed.error).map((i) => ({ field: i.path, message: i.message })),
    });
  }
  if (!projects.includes(parsed.data.project)) {
    throw new HttpError(400, 'invalid_link', 'the link is invalid', {
      issues: [{ field: 'project', message: 'must be a configured project' }],
    });
  }
  return { ...parsed.data, code };
}

function checkCode(code: unknown): string {
  const parsed = linkCodeSchema.safeParse(code, { error: valueFreeErrorMap });
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_link', 'the link is invalid', {
      issues: [{ field: 'code', message: parsed.error.issues[0]?.message ?? 'is invalid' }],
    });
  }
  return parsed.data;
}

/**
 * /v1/links (GET list, POST create) and /v1/links/:code (GET, PUT create-or-replace, DELETE),
 * behind Bearer tokens from collector.adminTokens. Redirects follow changes through the cache's
 * changefeed, within moments.
 */
export function linksApi(options: LinksApiOptions) {
  const { store, tokens, projects } = options;
  const now = () => new Date().toISOString();
  const guard =
    (handler: RouteHandler): RouteHandler =>
    (req, res, ctx, params) => {
      authorize(req, tokens);
      return handler(req, res, ctx, params);
    };
  const code = (pathParam: string | undefined) => checkCode(pathParam ?? '');

  const collection = {
    GET: guard(async (_req, res) => {
      sendJson(res, 200, { links: await store.list() });
    }),
    POST: guard(async (req, res) => {
      const input = await readLinkInput(req, projects);
      const linkCode =
        input.code === undefined ? randomBytes(6).toString('base64url') : checkCode(input.code);
      const { code: _ignored, ...fields } = input;
      if (!(await store.create(linkCode, fields, now()))) {
        throw new HttpError(409, 'link_exists', 'a link with this code exists; PUT replaces it');
      }
      sendJson(res, 201, await store.get(linkCode), { location: `/v1/links/${linkCode}` });
    }),
  };
  const item = {
    GET: guard(async (_req, res, _ctx, { pathParam }) => {
      const link = await store.get(code(pathParam));
      if (!link) throw new HttpError(404, 'not_found', 'no such link');
      sendJson(res, 200, link);
    }),
    PUT: guard(async (req, res, _ctx, { pathParam }) => {
      const linkCode = code(pathParam);
      const { code: _ignored, ...fields } = await readLinkInput(req, projects);
      sendJson(res, 200, await store.put(linkCode, fields, now()));
    }),
    DELETE: guard(async (_req, res, _ctx, { pathParam }) => {
      if (!(await store.delete(code(pathParam)))) throw new HttpError(404, 'not_found', 'no such link');
      res.writeHead(204);
      res.end();
    }),
  };
  return { collection, item };
}
