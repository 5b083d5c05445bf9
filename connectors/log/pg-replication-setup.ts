import type { Knex } from 'knex';

function splitName(table: string): { schema: string | null; name: string } {
  const dot = table.indexOf('.');
  return dot < 0
    ? { schema: null, name: table }
    : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}

/** Creates the publication when missing and adds the tables it lacks (never drops any). */
export async function ensurePublication(
  db: Knex,
  publication: string,
  tables: readonly string[],
): Promise<void> {
  const exists = await db.raw<{ rows: unknown[] }>('select 1 from pg_publication where pubname = ?', [
    publication,
  ]);
  if (exists.rows.length === 0) {
    await db.raw(`create publication ?? for table ${tables.map(() => '??').join(', ')}`, [
      publication,
      ...tables,
    ]);
    return;
  }
  const present = await db.raw<{ rows: { schemaname: string; tablename: string }[] }>(
    'select schemaname, tablename from pg_publication_tables where pubname = ?',
    [publication],
  );
  for (const table of tables) {
    const { schema, name } = splitName(table);
    const found = present.rows.some(
      (row) => row.tablename === name && (schema === null || row.schemaname === schema),
    );
    if (!found) await db.raw('alter publication ?? add table ??', [publication, table]);
  }
}

/**
 * The slot's start: when missing it is created and its consistent point returned (`created`);
 * otherwise the position it has confirmed. Creating the slot before reading the snapshot is what
 * makes the two meet without a gap: every change after the slot's start is in its stream.
 */
export async function ensureSlot(db: Knex, slot: string): Promise<{ lsn: string; created: boolean }> {
  const existing = await db.raw<{ rows: { confirmed_flush_lsn: string | null; plugin: string }[] }>(
    'select confirmed_flush_lsn, plugin from pg_replication_slots where slot_name = ?',
    [slot],
  );
  const row = existing.rows[0];
  if (row?.confirmed_flush_lsn) return { lsn: row.confirmed_flush_lsn, created: false };
  const created = await db.raw<{ rows: { lsn: string }[] }>(
    "select lsn from pg_create_logical_replication_slot(?, 'pgoutput')",
    [slot],
  );
  return { lsn: created.rows[0]?.lsn ?? '0/0', created: true };
}

/** A Quoteflow replication slot in the source's database that no enabled source reads. */
export interface StraySlot {
  slot: string;
  /** A client is connected to it right now (another appliance, or a source still stopping). */
  active: boolean;
  /** WAL the server keeps for it, in bytes (null on a standby, which cannot say). */
  retainedBytes: number | null;
}

/**
 * Slots named like ours (`qf_…`, pgoutput) in this database that are not in `inUse`: left by a
 * source that was removed, renamed or disabled. Postgres keeps every WAL segment such a slot has
 * not confirmed, so one forgotten slot can fill the database server's disk. Never dropped here: the
 * slot may belong to another Quoteflow reading the same database.
 */
export async function straySlots(db: Knex, inUse: ReadonlySet<string>): Promise<StraySlot[]> {
  const result = await db.raw<{ rows: { slot_name: string; active: boolean; retained: string | null }[] }>(
    `select slot_name, active,
            case when pg_is_in_recovery() then null
                 else pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text end as retained
       from pg_replication_slots
      where database = current_database() and plugin = 'pgoutput' and slot_name like 'qf\\_%'
      order by slot_name`,
  );
  return result.rows
    .filter((row) => !inUse.has(row.slot_name))
    .map((row) => ({
      slot: row.slot_name,
      active: row.active,
      retainedBytes: row.retained === null ? null : Number(row.retained),
    }));
}
