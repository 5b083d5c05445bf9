import { expect } from 'chai';
import type { Knex } from 'knex';
import { ConnectorsService } from '../../../connectors/connectors-service.js';
import { silentLogger } from '../../support/silent-logger.js';
import { uniqueName } from '../../support/services.js';
import { KafkaHarness, quotesSource } from './harness.js';
import { createQuotesTable, quoteRow, restartWhileUpdating, romeTime, sourceDb } from './source-tables.js';

describe('connectors in log mode on MariaDB (row binlog, real database and Kafka)', function () {
  this.timeout(90_000);
  let db: Knex;
  let harness: KafkaHarness;
  let service: ConnectorsService | undefined;
  let table: string;
  let source: string;

  beforeEach(async () => {
    db = sourceDb('mysql');
    table = uniqueName('qf_t_quotes');
    source = uniqueName('binlog').replace(/_/g, '-');
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
      config: harness.config([quotesSource(source, 'mysql', table, { mode: 'log', ...extra })]),
      kafka: harness.kafka,
      logger: silentLogger,
    });
  };
  const changes = () => harness.on('quotes').map((m) => [m.key, m.value.id, m.value.op]);

  describe('when rows exist before the start and change afterwards', () => {
    it('should snapshot them, then stream inserts, updates, moves and deletes versioned by binlog position', async () => {
      await db(table).insert([
        quoteRow(1, romeTime()),
        quoteRow(2, romeTime()),
        quoteRow(3, romeTime(), { pickup_station: null }),
      ]);
      await start();
      await harness.waitFor(
        'the snapshot',
        () => harness.on('quotes').length >= 2 && harness.on('dlq').length >= 1,
      );
      const snapshotVersion = harness.on('quotes')[0]?.value.version as number;
      expect(snapshotVersion).to.be.a('number');
      expect(harness.on('quotes')[1]?.value.version).to.equal(snapshotVersion);
      expect(harness.on('dlq')[0]?.value).to.deep.include({ source, table, key: '3' });

      await db(table).insert(quoteRow(4, romeTime()));
      await db(table).where({ id: 1 }).update({ price: '7.00' });
      await db(table).where({ id: 2 }).update({ pickup_station: 'BGY' });
      await db(table).where({ id: 1 }).delete();
      await db.transaction(async (trx) => {
        await trx(table).where({ id: 4 }).update({ car_group: 'XXAR' });
        await trx(table).where({ id: 4 }).update({ car_group: 'YYAR' });
      });
      await harness.waitFor('the streamed changes', () => harness.on('quotes').length >= 9);
      expect(changes().slice(2)).to.deep.equal([
        ['MXP|LIN', `${source}:4`, 'upsert'],
        ['MXP|LIN', `${source}:1`, 'upsert'],
        ['MXP|LIN', `${source}:2`, 'delete'],
        ['BGY|LIN', `${source}:2`, 'upsert'],
        ['MXP|LIN', `${source}:1`, 'delete'],
        ['MXP|LIN', `${source}:4`, 'upsert'],
        ['MXP|LIN', `${source}:4`, 'upsert'],
      ]);
      const versions = harness
        .on('quotes')
        .slice(2)
        .map((m) => m.value.version as number);
      expect(versions.every((v) => v > snapshotVersion)).to.equal(true);
      expect(versions[2]).to.equal(versions[3]);
      expect([...versions].sort((a, b) => a - b)).to.deep.equal(versions);
      expect(versions[5]).to.be.below(versions[6] as number);
      expect(harness.on('quotes')[8]?.value).to.deep.include({ carGroup: 'YYAR' });
    });
  });

  describe('when the connector is stopped while changes keep coming, and started again', () => {
    it('should deliver every change (id, version), resuming from the committed binlog position', async () => {
      const { atStop, updates, distinct } = await restartWhileUpdating(db, table, harness, {
        start: () => start({ batchSize: 50 }),
        stop: async () => {
          await service?.stop();
          service = undefined;
        },
      });
      expect(atStop).to.be.below(200 + updates);
      expect(distinct).to.equal(200 + updates);
    });
  });
});
