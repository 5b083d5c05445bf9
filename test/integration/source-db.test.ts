import { expect } from 'chai';
import type { Knex } from 'knex';
import { createSourceDb } from '../../lib/source-db.js';
import { services, uniqueName } from '../support/services.js';

const databases = [
  { client: 'postgres' as const, connection: services.postgres },
  { client: 'mysql' as const, connection: services.mariadb },
];

describe('source databases through knex (real servers)', () => {
  for (const source of databases) {
    describe(`when the source is ${source.client}`, () => {
      let db: Knex;
      const table = uniqueName('qf_test_quotes');

      before(async () => {
        db = createSourceDb(source);
        await db.schema.createTable(table, (t) => {
          t.integer('id').primary();
          t.string('email');
          t.timestamp('quoted_at', { useTz: false });
          t.dateTime('updated_at', { useTz: false });
        });
      });

      after(async () => {
        await db.schema.dropTableIfExists(table);
        await db.destroy();
      });

      it('should write and read rows in key order', async () => {
        await db(table).insert([
          { id: 2, email: 'b@x.it', quoted_at: '2026-06-25 20:14:00', updated_at: '2026-06-25 20:15:00' },
          { id: 1, email: 'a@x.it', quoted_at: '2026-06-25 08:00:00', updated_at: '2026-06-25 08:01:00' },
        ]);
        const rows = await db(table).select('id', 'email').orderBy('id');
        expect(rows).to.deep.equal([
          { id: 1, email: 'a@x.it' },
          { id: 2, email: 'b@x.it' },
        ]);
      });

      it('should hand back timestamps as the database text, not as a Date zoned by this process', async () => {
        const row: unknown = await db(table).where({ id: 2 }).first('quoted_at');
        const quotedAt = (row as { quoted_at: unknown }).quoted_at;
        expect(quotedAt).to.be.a('string');
        expect(String(quotedAt)).to.match(/^2026-06-25[ T]20:14:00/);
      });
    });
  }
});
