import { expect } from 'chai';
import type { Knex } from 'knex';
import { ConnectorsService } from '../../../connectors/connectors-service.js';
import { toUtcIso } from '../../../connectors/mapping/local-time.js';
import { silentLogger } from '../../support/silent-logger.js';
import { uniqueName } from '../../support/services.js';
import { KafkaHarness, quotesSource } from './harness.js';
import type { Client } from './source-tables.js';
import { createQuotesTable, quoteRow, romeTime, sourceDb } from './source-tables.js';

for (const client of ['postgres', 'mysql'] as const satisfies readonly Client[]) {
  describe(`connectors in poll mode on ${client} (real database and Kafka)`, function () {
    this.timeout(90_000);
    let db: Knex;
    let harness: KafkaHarness;
    let service: ConnectorsService | undefined;
    let table: string;
    let source: string;

    beforeEach(async () => {
      db = sourceDb(client);
      table = uniqueName('qf_t_quotes');
      source = uniqueName('src').replace(/_/g, '-');
      await createQuotesTable(db, table);
      harness = new KafkaHarness();
      await harness.start();
    });

    afterEach(async () => {
      await service?.stop();
      service = undefined;
      await harness.stop();
      await db.schema.dropTableIfExists(table);
      await db.destroy();
    });

    const start = async (extra: Record<string, unknown> = {}) => {
      service = await ConnectorsService.start({
        config: harness.config([quotesSource(source, client, table, extra)]),
        kafka: harness.kafka,
        logger: silentLogger,
      });
    };

    describe('when rows are inserted, updated, moved and soft-deleted', () => {
      it('should send each change with its version under the station key, and unmappable rows to the DLQ', async () => {
        const t0 = romeTime(-3000);
        await db(table).insert([quoteRow(1, t0), quoteRow(2, t0), quoteRow(3, t0, { pickup_station: null })]);
        await start();
        await harness.waitFor(
          'two quotes and a DLQ entry',
          () => harness.on('quotes').length >= 2 && harness.on('dlq').length >= 1,
        );
        const v0 = toUtcIso(t0, 'Europe/Rome');
        expect(
          harness.on('quotes').map((m) => [m.key, m.value.id, m.value.op, m.value.version]),
        ).to.have.deep.members([
          ['MXP|LIN', `${source}:1`, 'upsert', v0],
          ['MXP|LIN', `${source}:2`, 'upsert', v0],
        ]);
        const first = harness.on('quotes').find((m) => m.value.id === `${source}:1`)?.value;
        expect(first).to.deep.include({
          quotedAt: '2026-06-25T20:14:00Z',
          pickup: { station: 'MXP', at: '2026-07-01T07:36:00Z' },
          price: { amount: 100.5, currency: 'EUR' },
        });
        expect(harness.on('dlq').map((m) => m.value)).to.deep.equal([
          {
            kind: 'dlq',
            component: 'connectors',
            source,
            table,
            key: '3',
            reason: 'pickup.station: column pickup_station is null or empty',
          },
        ]);

        const t1 = romeTime(-2000);
        await db(table).where({ id: 1 }).update({ price: '120.00', updated_at: t1 });
        await db(table).where({ id: 2 }).update({ pickup_station: 'BGY', updated_at: t1 });
        const v1 = toUtcIso(t1, 'Europe/Rome');
        await harness.waitFor('the updates', () => harness.on('quotes').length >= 5);
        const t2 = romeTime(-1000);
        await db(table).where({ id: 1 }).update({ deleted: true, updated_at: t2 });
        const v2 = toUtcIso(t2, 'Europe/Rome');
        await harness.waitFor('the soft delete', () => harness.on('quotes').length >= 6);
        // The scenario, not a wait: a quiet half second (several polls) in which nothing more may be sent.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(
          harness
            .on('quotes')
            .slice(2)
            .map((m) => [m.key, m.value.id, m.value.op, m.value.version]),
        ).to.deep.equal([
          ['MXP|LIN', `${source}:1`, 'upsert', v1],
          ['MXP|LIN', `${source}:2`, 'delete', v1],
          ['BGY|LIN', `${source}:2`, 'upsert', v1],
          ['MXP|LIN', `${source}:1`, 'delete', v2],
        ]);
        // The removal and the new version of a moved record sit in one Kafka batch, in that order.
        expect(harness.on('dlq')).to.have.length(1);
      });
    });

    describe('when a transaction commits after a later-stamped one', () => {
      it('should still send its row, thanks to the look-back window', async () => {
        await start();
        const trx = await db.transaction();
        await trx(table).insert(quoteRow(10, romeTime(-2000)));
        await db(table).insert(quoteRow(11, romeTime(-500)));
        await harness.waitFor('the later-stamped row', () =>
          harness.on('quotes').some((m) => m.value.id === `${source}:11`),
        );
        // The scenario: the connector polls past the later stamp (several polls) before the commit.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await trx.commit();
        await harness.waitFor('the earlier-stamped row committed last', () =>
          harness.on('quotes').some((m) => m.value.id === `${source}:10`),
        );
        expect(harness.on('quotes').map((m) => m.value.id)).to.deep.equal([`${source}:11`, `${source}:10`]);
      });
    });

    describe('when the service is stopped in the middle of the snapshot and started again', () => {
      it('should resume from the committed offset and lose no (id, version)', async () => {
        const total = 2000;
        const rows = Array.from({ length: total }, (_, i) =>
          quoteRow(100 + i, romeTime(-3_000_000 + i * 1000)),
        );
        await db.batchInsert(table, rows, 500);
        await start({ batchSize: 20 });
        await harness.waitFor('part of the snapshot', () => harness.on('quotes').length >= 200);
        await service?.stop();
        service = undefined;
        const before = harness.on('quotes').length;
        expect(before).to.be.below(total);
        await start({ batchSize: 20 });
        await harness.waitFor('every row', () => harness.on('quotes').length >= total);
        // The scenario, not a wait: a quiet half second in which no row may be sent again.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const expected = (await db<{ id: number; updated_at: string }>(table).select('id', 'updated_at')).map(
          (row) => `${source}:${row.id}@${String(toUtcIso(row.updated_at, 'Europe/Rome'))}`,
        );
        const got = harness.on('quotes').map((m) => `${String(m.value.id)}@${String(m.value.version)}`);
        expect([...new Set(got)]).to.have.members(expected);
        // Resumed, not restarted: only rows inside the look-back window (5 s, one row a second) came twice.
        expect(got.length - expected.length).to.be.at.most(6);
      });
    });
  });
}
