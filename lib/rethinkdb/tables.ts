/**
 * The tables of database `quoteflow` and their secondary indexes, created by `quoteflow migrate`.
 * An index names one field path (`pickup.station`) or several for a compound index; `multi`
 * indexes an array field once per element. Services add here what their queries need.
 */
export interface IndexSpec {
  name: string;
  fields: string | readonly string[];
  multi?: boolean;
}

export interface TableSpec {
  name: string;
  primaryKey?: string;
  indexes: readonly IndexSpec[];
}

export const TABLES: readonly TableSpec[] = [
  {
    name: 'quotes',
    indexes: [
      { name: 'quotedAt', fields: 'quotedAt' },
      { name: 'clusterId', fields: 'clusterId' },
      { name: 'source_brokerQuoteRef', fields: ['source', 'brokerQuoteRef'] },
      { name: 'stations', fields: ['pickup.station', 'dropoff.station'] },
    ],
  },
  {
    name: 'bookings',
    indexes: [
      { name: 'bookedAt', fields: 'bookedAt' },
      { name: 'quoteId', fields: 'quoteId' },
      { name: 'clusterId', fields: 'clusterId' },
      { name: 'source_quoteRef', fields: ['source', 'quoteRef'] },
    ],
  },
  {
    name: 'clusters',
    indexes: [
      { name: 'firstQuotedAt', fields: 'firstQuotedAt' },
      { name: 'quoteIds', fields: 'quoteIds', multi: true },
    ],
  },
  {
    name: 'events',
    indexes: [
      { name: 'receivedAt', fields: 'receivedAt' },
      { name: 'type_name', fields: ['type', 'name'] },
    ],
  },
  {
    name: 'rollups',
    indexes: [{ name: 'granularity_start', fields: ['granularity', 'start'] }],
  },
  {
    // Dashboard users; the id is the lower-cased email.
    name: 'users',
    indexes: [{ name: 'role', fields: 'role' }],
  },
  {
    // API tokens, stored as the SHA-256 of the token (the id); the token itself is shown once.
    name: 'api_tokens',
    indexes: [{ name: 'userId', fields: 'userId' }],
  },
  {
    // One document per pipeline component (a connector source, a processor partition…).
    name: 'pipeline_status',
    indexes: [{ name: 'component', fields: 'component' }],
  },
  {
    // Click redirects of the collector (GET /r/:code), managed through its /v1/links API.
    name: 'links',
    primaryKey: 'code',
    indexes: [{ name: 'project', fields: 'project' }],
  },
];
