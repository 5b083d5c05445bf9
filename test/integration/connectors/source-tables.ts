import type { Knex } from 'knex';
import { createSourceDb } from '../../../lib/source-db.js';
import { services } from '../../support/services.js';

export type Client = 'postgres' | 'mysql';

export function sourceDb(client: Client): Knex {
  return createSourceDb({ client, connection: client === 'postgres' ? services.postgres : services.mariadb });
}

/** A broker's quotes table with local (zone-less) timestamps, as the harness mapping expects. */
export async function createQuotesTable(db: Knex, table: string): Promise<void> {
  await db.schema.createTable(table, (t) => {
    t.integer('id').primary();
    t.string('email');
    t.dateTime('created_at', { useTz: false, precision: 6 });
    t.dateTime('updated_at', { useTz: false, precision: 6 });
    t.boolean('deleted').notNullable().defaultTo(false);
    t.string('pickup_station').nullable();
    t.dateTime('pickup_at', { useTz: false, precision: 6 });
    t.string('dropoff_station');
    t.dateTime('dropoff_at', { useTz: false, precision: 6 });
    t.string('car_group');
    t.decimal('price', 10, 2).nullable();
    t.index(['updated_at', 'id']);
  });
}

const romeFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
});

/** The wall-clock time in Rome, `ms` from now, as a source would store it. */
export function romeTime(ms = 0): string {
  return romeFormat.format(new Date(Date.now() + ms)).replace(',', '.');
}

export function quoteRow(
  id: number,
  updatedAt: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    email: `c${id}@example.com`,
    created_at: '2026-06-25 22:14:00',
    updated_at: updatedAt,
    deleted: false,
    pickup_station: 'mxp ',
    pickup_at: '2026-07-01 09:36:00',
    dropoff_station: 'lin',
    dropoff_at: '2026-07-11 07:36:00',
    car_group: 'CDMR',
    price: '100.50',
    ...extra,
  };
}

/**
 * Drops a test's replication slot and publication. A killed connector's walsender may linger a
 * moment; an active slot cannot be dropped, so wait for it to go idle.
 */
export async function dropReplication(db: Knex, names: { slot: string; publication: string }): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const result = await db.raw<{ rows: { active: boolean }[] }>(
      'select active from pg_replication_slots where slot_name = ?',
      [names.slot],
    );
    const slot = result.rows[0];
    if (!slot) break;
    if (!slot.active) {
      await db.raw('select pg_drop_replication_slot(?)', [names.slot]);
      break;
    }
    if (Date.now() > deadline) throw new Error(`replication slot ${names.slot} stays active`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await db.raw('drop publication if exists ??', [names.publication]);
}
