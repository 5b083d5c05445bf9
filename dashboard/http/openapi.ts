/**
 * The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json (behind the same
 * authentication as the API). A test checks that every route the app registers under /api/v1 is
 * described here, so the two cannot drift apart.
 */
const filterParameters = [
  {
    name: 'from',
    in: 'query',
    required: true,
    schema: { type: 'string', format: 'date-time' },
    description: 'start of the period (inclusive); without an offset: UTC',
  },
  {
    name: 'to',
    in: 'query',
    required: true,
    schema: { type: 'string', format: 'date-time' },
    description: 'end of the period (exclusive)',
  },
  { name: 'source', in: 'query', schema: { type: 'string' } },
  { name: 'station', in: 'query', schema: { type: 'string' }, description: 'pickup station' },
  { name: 'carGroup', in: 'query', schema: { type: 'string' } },
  { name: 'channel', in: 'query', schema: { type: 'string' } },
  { name: 'type', in: 'query', schema: { type: 'string' }, description: 'events only' },
];
const kindParameter = {
  name: 'kind',
  in: 'path',
  required: true,
  schema: { type: 'string', enum: ['quotes', 'bookings', 'events', 'clusters'] },
};
const granularityParameter = {
  name: 'granularity',
  in: 'query',
  schema: { type: 'string', enum: ['hour', 'day', 'week', 'month'], default: 'day' },
  description: 'weeks start on Monday and days at midnight, in the KPI time zone',
};
const groupByParameter = {
  name: 'groupBy',
  in: 'query',
  schema: { type: 'string', enum: ['source', 'pickupStation', 'carGroup', 'channel'] },
};
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const error = {
  description: 'error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'Quoteflow dashboard API', version: '1' },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }, { session: [] }],
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'an API token (qf_…) from POST /tokens or `quoteflow user token`',
      },
      session: {
        type: 'apiKey',
        in: 'cookie',
        name: 'qf.sid',
        description: 'browser session; state changes also need X-CSRF-Token',
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error', 'message'],
        properties: { error: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  paths: {
    '/openapi.json': { get: { summary: 'this document', responses: { 200: json('OpenAPI document') } } },
    '/me': {
      get: {
        summary: 'the current user, the KPI time zone (`zone`), and the CSRF token of a browser session',
        responses: { 200: json('user'), 401: error },
      },
    },
    '/users': {
      get: { summary: 'list users (admin)', responses: { 200: json('users'), 403: error } },
      post: { summary: 'add a user (admin)', responses: { 201: json('user'), 400: error, 409: error } },
    },
    '/tokens': {
      post: { summary: 'issue an API token for yourself; shown once', responses: { 201: json('token') } },
    },
    '/tokens/{id}': {
      delete: {
        summary: 'revoke a token (yours; admins: any)',
        parameters: [idParameter],
        responses: { 204: { description: 'revoked' }, 404: error },
      },
    },
    '/records/{kind}': {
      get: {
        summary: 'records of a period, oldest first, a page at a time',
        parameters: [
          kindParameter,
          ...filterParameters,
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
          {
            name: 'cursor',
            in: 'query',
            description:
              'the `next` or `previous` token of a page of the same listing (same kind and filters)',
            schema: { type: 'string' },
          },
        ],
        responses: {
          200: json('{ items, start, limit, total, totalCapped, next, previous }'),
          400: error,
        },
      },
    },
    '/export/{kind}': {
      get: {
        summary: 'all records of a period as CSV or XLSX, streamed (analyst)',
        parameters: [
          kindParameter,
          ...filterParameters,
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['csv', 'xlsx'], default: 'csv' } },
        ],
        responses: { 200: { description: 'the file' }, 400: error, 403: error },
      },
    },
    '/kpis': {
      get: {
        summary: 'the explore table: KPIs per bucket (and per group) of a period',
        parameters: [...filterParameters.slice(0, 6), granularityParameter, groupByParameter],
        responses: { 200: json('{ zone, rows: [{ start, label, group, totals }] }'), 400: error },
      },
    },
    '/rollups': {
      get: {
        summary: 'the stored rollup counters of a period, per bucket and dimensions',
        parameters: [
          ...filterParameters.slice(0, 6),
          {
            name: 'granularity',
            in: 'query',
            required: true,
            schema: { type: 'string', enum: ['minute', 'hour', 'day'] },
          },
        ],
        responses: {
          200: json('{ rollups: [{ id, kind, granularity, start, dimensions…, counts }] }'),
          400: error,
        },
      },
    },
    '/kpis/export': {
      get: {
        summary: 'the explore table as CSV or XLSX (analyst)',
        parameters: [
          ...filterParameters.slice(0, 6),
          granularityParameter,
          groupByParameter,
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['csv', 'xlsx'], default: 'csv' } },
        ],
        responses: { 200: { description: 'the file' }, 400: error, 403: error },
      },
    },
    '/pipeline': {
      get: {
        summary: 'the last status every pipeline component reported (connectors, processor, collector)',
        responses: { 200: json('{ components }') },
      },
    },
    '/demands': {
      get: {
        summary:
          'the demands of a period by their first quote, with filters (source, station, carGroup, channel, converted=yes|no, minSize, maxSize) and a search `q` by customer email, phone, name or broker reference, normalised as the resolution rules normalise; `total` counts them all, `partial` says a search stopped early (narrow the period); `rate=conversion|duplicates` (a rate cell of Explore) adds `rate: { rate, numerator, denominator }` counted over the period and dimension filters only',
        parameters: [...filterParameters],
        responses: {
          200: json('{ items, offset, limit, total, nextOffset, partial, search, rate }'),
          400: error,
        },
      },
    },
    '/pipeline/health': {
      get: {
        summary:
          'one card per connector source, processor partition group, collector and worker: state, lag, rate (0 when idle), last error, the last hour of lag and rate; and counts of qf.dlq by reason (`dlq: null` where the dashboard reads no Kafka)',
        responses: { 200: json('{ cards, dlq }') },
      },
    },
    '/dlq': {
      get: {
        summary: 'the newest records of qf.dlq with their reasons, newest first',
        parameters: [
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        ],
        responses: {
          200: json('{ records: [{ partition, offset, at, key, reason, origin, value }] }'),
          400: error,
          503: error,
        },
      },
    },
    '/alerts': {
      get: {
        summary:
          'every alert of the worker (one per check and subject), firing first, then resolved, then ok',
        responses: {
          200: json(
            '{ alerts: [{ id, check, subject, state, summary, details, since, evaluatedAt, firedAt, resolvedAt, silencedUntil, silencedBy }] }',
          ),
        },
      },
    },
    '/alerts/history': {
      get: {
        summary:
          'what happened to alerts (fired, resolved, notified, delivery_failed, delivery_gave_up, silenced…), newest first',
        parameters: [
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
          { name: 'alertId', in: 'query', schema: { type: 'string' }, description: 'one alert only' },
        ],
        responses: {
          200: json(
            '{ events: [{ alertId, check, subject, type, at, summary, channel, attempt, error, by }] }',
          ),
          400: error,
        },
      },
    },
    '/alerts/{id}/silence': {
      post: {
        summary: 'silence an alert for a period (admin): its state is kept, no notification is sent',
        parameters: [idParameter],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['minutes'],
                properties: { minutes: { type: 'integer', minimum: 1, maximum: 10080 } },
              },
            },
          },
        },
        responses: { 200: json('{ alert }'), 400: error, 403: error, 404: error },
      },
      delete: {
        summary: 'lift the silence of an alert (admin)',
        parameters: [idParameter],
        responses: { 200: json('{ alert }'), 403: error, 404: error },
      },
    },
    '/clusters/{id}': {
      get: {
        summary: 'one demand with its quotes and bookings',
        parameters: [idParameter],
        responses: { 200: json('{ cluster, quotes, bookings }'), 404: error },
      },
    },
    '/clusters/{id}/visitors': {
      get: {
        summary:
          "a demand's visitor path: the visitors linked to it (by quoteRef, bookingRef, or an identify call's email or phone) and their events, oldest first (at most 500; `truncated` says more exist)",
        parameters: [idParameter],
        responses: { 200: json('{ visitors: [{ anonymousId, linkedBy }], events, truncated }'), 404: error },
      },
    },
    // The web funnel (dashboard/README.md, "Web funnel").
    '/funnel': {
      get: {
        summary:
          'visits → quotes → demands → bookings for a period (plain dates are days in the KPI time zone), filtered by campaign, source, station and grouped by one of them',
        parameters: [
          { name: 'from', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'to', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'campaign', in: 'query', schema: { type: 'string' } },
          { name: 'source', in: 'query', schema: { type: 'string' } },
          { name: 'station', in: 'query', schema: { type: 'string' } },
          {
            name: 'groupBy',
            in: 'query',
            schema: { type: 'string', enum: ['campaign', 'source', 'station'] },
          },
        ],
        responses: {
          200: json(
            '{ from, to, zone, groupBy, total: { visits, quotes, linkedQuotes, demands, bookings }, rows }',
          ),
          400: error,
        },
      },
    },
    // Scheduled reports and background exports (worker/README.md).
    '/reports': {
      get: {
        summary: 'every scheduled report (saved explore queries), by name',
        responses: { 200: json('{ zone, reports: [{ id, name, owner, period, …, lastRun }] }') },
      },
      post: {
        summary:
          'save a report (analyst): { name, period, granularity, groupBy, filter, format, schedule, delivery, recipients }; scheduled at once',
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { 201: json('{ report, scheduled }'), 400: error, 403: error },
      },
    },
    '/reports/{id}': {
      get: {
        summary: 'one report and its newest 50 runs',
        parameters: [idParameter],
        responses: { 200: json('{ report, runs }'), 404: error },
      },
      put: {
        summary: 'replace a report (its owner or an admin); rescheduled at once',
        parameters: [idParameter],
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { 200: json('{ report, scheduled }'), 400: error, 403: error, 404: error },
      },
      delete: {
        summary: 'delete a report and its schedule (its owner or an admin)',
        parameters: [idParameter],
        responses: { 204: { description: 'deleted' }, 403: error, 404: error },
      },
    },
    '/reports/{id}/run': {
      post: {
        summary: 'run a report now, outside its schedule (its owner or an admin)',
        parameters: [idParameter],
        responses: { 202: json('{ queued: true }'), 403: error, 404: error },
      },
    },
    '/exports': {
      get: {
        summary: "the user's own background exports, newest 50 (analyst)",
        responses: {
          200: json('{ exports: [{ id, kind, format, state, rows, total, fileName, expiresAt, error }] }'),
        },
      },
      post: {
        summary:
          'start a background export (analyst): { kind, format, from, to, source, station, carGroup, channel, type }; progress over Socket.IO namespace /exports',
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { 202: json('{ export }'), 400: error, 403: error, 429: error },
      },
    },
    '/exports/{id}': {
      get: {
        summary: 'one of your exports',
        parameters: [idParameter],
        responses: { 200: json('{ export }'), 404: error },
      },
    },
    '/exports/{id}/file': {
      get: {
        summary: 'download the file of one of your exports (409 until done, 410 once expired)',
        parameters: [idParameter],
        responses: {
          200: { description: 'the CSV or XLSX file' },
          404: error,
          409: error,
          410: error,
        },
      },
    },
  },
} as const;
