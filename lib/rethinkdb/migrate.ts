import type { Logger } from 'pino';
import r from 'rethinkdb';
import type { RethinkdbClient } from './rethinkdb-client.js';
import type { IndexSpec, TableSpec } from './tables.js';

export interface MigrationResult {
  databaseCreated: boolean;
  tablesCreated: string[];
  /** `table.index` for each index created. */
  indexesCreated: string[];
}

function fieldPath(path: string): r.Expression<unknown> {
  const [first, ...rest] = path.split('.');
  return rest.reduce<r.Expression<unknown>>(
    (expression, key) => (expression as unknown as (key: string) => r.Expression<unknown>)(key),
    r.row(first ?? path),
  );
}

function indexFunction(spec: IndexSpec): unknown {
  if (spec.expression) return spec.expression();
  return typeof spec.fields === 'string' ? fieldPath(spec.fields) : r.expr(spec.fields.map(fieldPath));
}

/**
 * Brings the database to the declared tables and indexes: creates what is missing and leaves what
 * exists, so it is safe to run on every start and from several containers. It never drops.
 */
export async function migrate(
  client: RethinkdbClient,
  tables: readonly TableSpec[],
  logger: Logger,
): Promise<MigrationResult> {
  const result: MigrationResult = { databaseCreated: false, tablesCreated: [], indexesCreated: [] };
  const db = r.db(client.db);

  const databases = await client.run(r.dbList());
  if (!databases.includes(client.db)) {
    await ignoreAlreadyExists(client.run(r.dbCreate(client.db)));
    result.databaseCreated = true;
  }

  const existingTables = new Set(await client.run(db.tableList()));
  for (const table of tables) {
    if (!existingTables.has(table.name)) {
      await ignoreAlreadyExists(
        client.run(db.tableCreate(table.name, { primary_key: table.primaryKey ?? 'id' })),
      );
      result.tablesCreated.push(table.name);
    }
    const existingIndexes = new Set(await client.run(db.table(table.name).indexList()));
    for (const index of table.indexes) {
      if (existingIndexes.has(index.name)) continue;
      const create = db.table(table.name) as unknown as {
        indexCreate(name: string, fn: unknown, options: { multi: boolean }): r.Operation<unknown>;
      };
      await ignoreAlreadyExists(
        client.run(create.indexCreate(index.name, indexFunction(index), { multi: index.multi ?? false })),
      );
      result.indexesCreated.push(`${table.name}.${index.name}`);
    }
    await client.run(db.table(table.name).indexWait());
  }
  logger.info(result, 'RethinkDB schema is up to date');
  return result;
}

/** Another migrating container may create the same thing between our check and our create. */
async function ignoreAlreadyExists(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
  }
}
