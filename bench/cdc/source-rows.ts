/**
 * The bench's source table and rows, shared by every connectors measurement: the same shape and
 * the same rows for Quoteflow and Debezium, on Postgres and MariaDB.
 */
import type { Knex } from 'knex';

export const connections = {
  postgres: { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'postgres' },
  mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' },
} as const;
export type Client = keyof typeof connections;
export type Connection = (typeof connections)[Client];

/** Canonical field → column of the bench table, for a Quoteflow source. */
export const benchColumns = {
  quotedAt: 'created_at',
  updatedAt: 'updated_at',
  customerEmail: 'email',
  pickupStation: 'pickup_station',
  pickupAt: 'pickup_at',
  dropoffStation: 'dropoff_station',
  dropoffAt: 'dropoff_at',
  carGroup: 'car_group',
  priceAmount: 'price',
};

/** A local time `minutes` after a base, so rows carry different times as real ones do. */
function local(base: number, minutes: number): string {
  return new Date(base + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function utcNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

export function benchRow(id: number, updatedAt: string) {
  const pickup = Date.UTC(2026, 6, 1, 9, 36) + (id % 5000) * 3_600_000;
  return {
    id,
    email: `c${id}@example.com`,
    created_at: local(Date.UTC(2026, 5, 25, 22, 14), -(id % 20_000)),
    updated_at: updatedAt,
    pickup_station: 'MXP',
    pickup_at: local(pickup, 0),
    dropoff_station: 'LIN',
    dropoff_at: local(pickup, 7 * 24 * 60 + (id % 300)),
    car_group: 'CDMR',
    price: '100.50',
  };
}

export async function createBenchTable(db: Knex, table: string): Promise<void> {
  await db.schema.createTable(table, (t) => {
    t.integer('id').primary();
    t.string('email');
    t.dateTime('created_at', { useTz: false, precision: 6 });
    t.dateTime('updated_at', { useTz: false, precision: 6 });
    t.string('pickup_station');
    t.dateTime('pickup_at', { useTz: false, precision: 6 });
    t.string('dropoff_station');
    t.dateTime('dropoff_at', { useTz: false, precision: 6 });
    t.string('car_group');
    t.decimal('price', 10, 2);
    t.index(['updated_at', 'id']);
  });
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
