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
      // processor: the records of one partition, loaded when it is assigned.
      { name: 'partition', fields: 'partition' },
    ],
  },
  {
    name: 'bookings',
    indexes: [
      { name: 'bookedAt', fields: 'bookedAt' },
      { name: 'quoteId', fields: 'quoteId' },
      { name: 'clusterId', fields: 'clusterId' },
      { name: 'source_quoteRef', fields: ['source', 'quoteRef'] },
      // check: the bookings of one station pair, read next to its quotes.
      { name: 'stations', fields: ['pickup.station', 'dropoff.station'] },
      { name: 'partition', fields: 'partition' },
    ],
  },
  {
    name: 'clusters',
    indexes: [
      { name: 'firstQuotedAt', fields: 'firstQuotedAt' },
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
      { name: 'type_name', fields: ['type', 'name'] },
      // The web funnel: events that carry properties.quoteRef / properties.bookingRef.
      { name: 'quoteRef', fields: 'quoteRef' },
      { name: 'bookingRef', fields: 'bookingRef' },
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
];
