import r from 'rethinkdb';

/**
 * The tables of database `quoteflow` and their secondary indexes, created by `quoteflow migrate`.
 * An index names one field path (`pickup.station`) or several for a compound index; `multi`
 * indexes an array field once per element. Services add here what their queries need.
 */
export interface IndexSpec {
  name: string;
  fields: string | readonly string[];
  multi?: boolean;
  /**
   * An index computed by a ReQL function of the row instead of `fields` (which then only documents
   * what it reads). A row for which the function fails is left out of the index.
   */
  expression?: () => unknown;
}

/**
 * JavaScript's String.prototype.trim() as an RE2 class: RE2's `\s` lacks `\v`, and Unicode
 * spaces, the line and paragraph separators and the BOM are named one by one.
 */
const TRIMMED =
  '(?s)^[\\s\\x{0b}\\p{Zs}\\x{2028}\\x{2029}\\x{feff}]*(.*?)[\\s\\x{0b}\\p{Zs}\\x{2028}\\x{2029}\\x{feff}]*$';

/**
 * Rule 1's key (processor/core/resolver.ts refKey): source, the reference trimmed, and the
 * stations. Rows without a reference (null, missing, or only spaces) are not indexed.
 */
function refIndex(field: 'brokerQuoteRef' | 'quoteRef'): () => unknown {
  return () => {
    const row = r.row as unknown as ReqlRow;
    const trimmed = row(field).match(TRIMMED)('groups')(0)('str');
    return r.branch(
      trimmed.eq(''),
      (r as unknown as { error(message: string): r.Expression<unknown> }).error('no reference'),
      r.expr([row('source'), trimmed, row('pickup')('station'), row('dropoff')('station')]),
    );
  };
}

interface ReqlRow {
  (field: string | number): ReqlRow;
  match(pattern: string): ReqlRow;
  slice(start: number, end: number): ReqlRow;
  eq(value: unknown): r.Expression<boolean>;
}

export interface TableSpec {
  name: string;
  primaryKey?: string;
  indexes: readonly IndexSpec[];
}

/**
 * How the processor reads quotes and bookings it no longer holds in memory (processor/README.md,
 * "Memory"): a partition's records from a pickup time on, the records of a station pair picked up
 * on one UTC day (stored times are ISO-8601 UTC, so the day is the first 10 characters), and rule
 * 1's references.
 */
function processorMemoryIndexes(ref: 'brokerQuoteRef' | 'quoteRef'): IndexSpec[] {
  return [
    { name: 'partition_pickupAt', fields: ['partition', 'pickup.at'] },
    {
      name: 'stations_pickupDay',
      fields: ['pickup.station', 'dropoff.station', 'pickup.at'],
      expression: () => {
        const row = r.row as unknown as ReqlRow;
        return r.expr([
          row('pickup')('station'),
          row('dropoff')('station'),
          row('pickup')('at').slice(0, 10),
        ]);
      },
    },
    {
      name: 'ref_stations',
      fields: ['source', ref, 'pickup.station', 'dropoff.station'],
      expression: refIndex(ref),
    },
  ];
}

export const TABLES: readonly TableSpec[] = [
  {
    name: 'quotes',
    indexes: [
      { name: 'quotedAt', fields: 'quotedAt' },
      // The dashboard's records pages: keyset paging by time, ties broken by id.
      { name: 'quotedAt_id', fields: ['quotedAt', 'id'] },
      { name: 'clusterId', fields: 'clusterId' },
      { name: 'source_brokerQuoteRef', fields: ['source', 'brokerQuoteRef'] },
      { name: 'stations', fields: ['pickup.station', 'dropoff.station'] },
      // processor: the records of one partition, loaded when it is assigned.
      { name: 'partition', fields: 'partition' },
      // The web funnel: a customer's quotes from the email or phone of an identify call.
      { name: 'customerEmail', fields: 'customerEmail' },
      { name: 'customerPhone', fields: 'customerPhone' },
      ...processorMemoryIndexes('brokerQuoteRef'),
    ],
  },
  {
    name: 'bookings',
    indexes: [
      { name: 'bookedAt', fields: 'bookedAt' },
      { name: 'bookedAt_id', fields: ['bookedAt', 'id'] },
      { name: 'quoteId', fields: 'quoteId' },
      { name: 'clusterId', fields: 'clusterId' },
      { name: 'source_quoteRef', fields: ['source', 'quoteRef'] },
      // check: the bookings of one station pair, read next to its quotes.
      { name: 'stations', fields: ['pickup.station', 'dropoff.station'] },
      { name: 'partition', fields: 'partition' },
      { name: 'customerEmail', fields: 'customerEmail' },
      { name: 'customerPhone', fields: 'customerPhone' },
      ...processorMemoryIndexes('quoteRef'),
    ],
  },
  {
    name: 'clusters',
    indexes: [
      { name: 'firstQuotedAt', fields: 'firstQuotedAt' },
      { name: 'firstQuotedAt_id', fields: ['firstQuotedAt', 'id'] },
      { name: 'quoteIds', fields: 'quoteIds', multi: true },
      // check: the clusters of one station pair.
      { name: 'stations', fields: ['pickupStation', 'dropoffStation'] },
      { name: 'partition', fields: 'partition' },
    ],
  },
  {
    name: 'events',
    indexes: [
      { name: 'receivedAt', fields: 'receivedAt' },
      { name: 'receivedAt_id', fields: ['receivedAt', 'id'] },
      { name: 'type_name', fields: ['type', 'name'] },
      // The web funnel: events that carry properties.quoteRef / properties.bookingRef.
      { name: 'quoteRef', fields: 'quoteRef' },
      { name: 'bookingRef', fields: 'bookingRef' },
      // A demand's visitor path: every event of the visitors linked to it.
      { name: 'anonymousId', fields: 'anonymousId' },
    ],
  },
  {
    name: 'rollups',
    indexes: [
      { name: 'granularity_start', fields: ['granularity', 'start'] },
      // check: the trip rollups of one pickup station (event rollups have no pickupStation).
      { name: 'pickupStation', fields: 'pickupStation' },
    ],
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
    // dashboard: the health cards' lag and rate, one document per card and minute (id `card@minute`),
    // so the charts' last hour survives a restart; `at` deletes what is older than 1 h 5 min.
    name: 'pipeline_history',
    indexes: [{ name: 'at', fields: 'at' }],
  },
  {
    // Click redirects of the collector (GET /r/:code), managed through its /v1/links API.
    name: 'links',
    primaryKey: 'code',
    indexes: [{ name: 'project', fields: 'project' }],
  },
  // processor: deleted records' last versions, so an older upsert arriving later cannot revive them.
  { name: 'tombstones', indexes: [{ name: 'partition', fields: 'partition' }] },
  // processor: the last batch of each partition, written before it is applied (re-applied on assignment).
  { name: 'processor_journal', indexes: [] },
  // processor: one document per visitor, bucket and project; a bucket's unique visitors is their count.
  {
    name: 'visitors',
    indexes: [{ name: 'granularity_start_project', fields: ['granularity', 'start', 'project'] }],
  },
  // processor: one document per identify or alias call (processor/core/identity.ts), for the web
  // funnel: a visitor's anonymousId → userId, normalised email and phone → the customer's quotes.
  {
    name: 'identities',
    indexes: [
      { name: 'anonymousId', fields: 'anonymousId' },
      { name: 'userId', fields: 'userId' },
      { name: 'email', fields: 'email' },
      { name: 'phone', fields: 'phone' },
    ],
  },
  // worker: one alert per check and subject (`<check>:<subject>`), its state and notifications.
  {
    name: 'alerts',
    indexes: [
      { name: 'check', fields: 'check' },
      { name: 'state', fields: 'state' },
    ],
  },
  // worker: what happened to alerts (fired, resolved, notified, delivery failed, silenced), newest by `at`.
  {
    name: 'alert_events',
    indexes: [
      { name: 'at', fields: 'at' },
      { name: 'alertId', fields: 'alertId' },
    ],
  },
  // dashboard and worker: scheduled reports (saved explore queries), by the user who saved them.
  { name: 'reports', indexes: [{ name: 'owner', fields: 'owner' }] },
  // worker: every run of a report (delivered, failed, given up), newest by `at`.
  { name: 'report_runs', indexes: [{ name: 'reportId_at', fields: ['reportId', 'at'] }] },
  // dashboard and worker: background exports, by owner; the worker's cleanup finds expired ones.
  {
    name: 'exports',
    indexes: [
      { name: 'owner_createdAt', fields: ['owner', 'createdAt'] },
      { name: 'expiresAt', fields: 'expiresAt' },
    ],
  },
];
