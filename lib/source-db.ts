import type { Knex } from 'knex';
import knex from 'knex';
import pg from 'pg';
import type { SourceConfig } from './config/schema.js';
import type { Logger } from './logger.js';

const CLIENTS = { postgres: 'pg', mysql: 'mysql2' } as const;
const DEFAULT_PORTS = { postgres: 5432, mysql: 3306 } as const;

/** Postgres type ids of date and time columns: DATE, TIMESTAMP, TIMESTAMPTZ. */
const PG_DATE_TYPES = new Set<number>([1082, 1114, 1184]);

/**
 * Date and time columns come back as the database's text, never as a JS Date: a Date made by the
 * driver is zoned by the process's time zone, while a source's local times belong to the zone its
 * config names. The connector reads the text in that zone.
 */
// pg's typings take only its own enum of type ids; any id is valid at run time.
const readPgTypeParser = pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => unknown;

const pgTypesKeepingDatesAsText = {
  getTypeParser: (oid: number, format?: string): unknown =>
    PG_DATE_TYPES.has(oid)
      ? (value: string) => value
      : readPgTypeParser(oid, format === 'binary' ? 'binary' : 'text'),
};

/**
 * A knex instance for one source database. The pool stays small: a connector reads in ordered
 * batches, and the source is somebody else's production database.
 */
export function createSourceDb(source: Pick<SourceConfig, 'client' | 'connection'>, logger?: Logger): Knex {
  const { connection } = source;
  const common = {
    host: connection.host,
    port: connection.port ?? DEFAULT_PORTS[source.client],
    user: connection.user,
    password: connection.password,
    database: connection.database,
  };
  return knex({
    client: CLIENTS[source.client],
    connection:
      source.client === 'mysql'
        ? { ...common, dateStrings: true }
        : { ...common, types: pgTypesKeepingDatesAsText },
    pool: { min: 0, max: 4 },
    // knex writes pool and driver trouble to the console unless given somewhere else to write.
    ...(logger
      ? {
          log: {
            warn: (message: unknown) => {
              logger.warn({ knex: String(message) }, 'knex warning');
            },
            error: (message: unknown) => {
              logger.debug({ knex: String(message) }, 'knex error');
            },
            deprecate: (message: unknown) => {
              logger.debug({ knex: String(message) }, 'knex deprecation');
            },
            debug: (message: unknown) => {
              logger.debug({ knex: String(message) }, 'knex debug');
            },
          },
        }
      : {}),
  });
}
