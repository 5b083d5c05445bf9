import type { Knex } from 'knex';
import { createSourceDb } from '../../../lib/source-db.js';
import { services } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';
import type { KafkaHarness } from './harness.js';

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
  await waitFor(
    `replication slot ${names.slot} to be released and dropped`,
    async () => {
      const result = await db.raw<{ rows: { active: boolean }[] }>(
        'select active from pg_replication_slots where slot_name = ?',
        [names.slot],
      );
      const slot = result.rows[0];
      if (!slot) return true;
      if (slot.active) return false;
      await db.raw('select pg_drop_replication_slot(?)', [names.slot]);
      return true;
    },
    { intervalMs: 100 },
  );
  await db.raw('drop publication if exists ??', [names.publication]);
}

/**
 * Log mode's restart scenario: 200 rows snapshotted, then 150 updates in rounds while the
 * connector is stopped and started again. Resolves once as many distinct changes (id, version)
 * arrived as were made, with the messages that had arrived at the stop and the updates made.
 */
export async function restartWhileUpdating(
  db: Knex,
  table: string,
  harness: KafkaHarness,
  connector: { start: () => Promise<void>; stop: () => Promise<void> },
): Promise<{ atStop: number; updates: number; distinct: number }> {
  await db.batchInsert(
    table,
    Array.from({ length: 200 }, (_, i) => quoteRow(i + 1, romeTime())),
    100,
  );
  await connector.start();
  await harness.waitFor('the snapshot', () => harness.on('quotes').length >= 200);
  let updates = 0;
  const writer = (async () => {
    for (let round = 0; round < 30; round++) {
      await db(table)
        .whereBetween('id', [round * 5 + 1, round * 5 + 5])
        .update({ price: String(round) });
      updates += 5;
      // Pacing, not a wait: the updates spread over the stop and the start.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await waitFor('updates under way', () => updates >= 20);
  await connector.stop();
  const atStop = harness.on('quotes').length;
  await writer;
  await connector.start();
  const distinct = () =>
    new Set(harness.on('quotes').map((m) => `${String(m.value.id)}@${String(m.value.version)}`)).size;
  await harness.waitFor('every update', () => distinct() >= 200 + updates);
  return { atStop, updates, distinct: distinct() };
}
