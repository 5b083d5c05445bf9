import { expect } from 'chai';
import { pino } from 'pino';
import type { Knex } from 'knex';
import { ConnectorsService } from '../../../connectors/connectors-service.js';
import { lsnToBigInt } from '../../../connectors/log/lsn.js';
import { replicationNames } from '../../../lib/config/replication-identity.js';
import { silentLogger } from '../../support/silent-logger.js';
import { services, uniqueName } from '../../support/services.js';
import { waitFor } from '../../support/wait-for.js';
import { createSourceDb } from '../../../lib/source-db.js';
import { KafkaHarness, quotesSource } from './harness.js';
import {
  createQuotesTable,
  dropReplication,
  quoteRow,
  restartWhileUpdating,
  romeTime,
  sourceDb,
} from './source-tables.js';

async function slotPosition(db: Knex, slot: string): Promise<bigint> {
  const result = await db.raw<{ rows: { confirmed_flush_lsn: string }[] }>(
    'select confirmed_flush_lsn from pg_replication_slots where slot_name = ?',
    [slot],
  );
  return lsnToBigInt(result.rows[0]?.confirmed_flush_lsn ?? '0/0');
}

describe('connectors in log mode on postgres (logical replication, real database and Kafka)', function () {
  this.timeout(90_000);
  let db: Knex;
  let harness: KafkaHarness;
  let service: ConnectorsService | undefined;
  let table: string;
  let source: string;

  beforeEach(async () => {
    db = sourceDb('postgres');
    table = uniqueName('qf_t_quotes');
    source = uniqueName('log').replace(/_/g, '-');
    await createQuotesTable(db, table);
    harness = new KafkaHarness();
    await harness.start();
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await harness.stop();
    await dropReplication(db, replicationNames(source));
    await db.schema.dropTableIfExists(table);
    await db.destroy();
  });

  const start = async (extra: Record<string, unknown> = {}) => {
    service = await ConnectorsService.start({
      config: harness.config([
        quotesSource(source, 'postgres', table, { mode: 'log', heartbeatIntervalMs: 200, ...extra }),
      ]),
      kafka: harness.kafka,
      logger: silentLogger,
    });
  };
  const changes = () => harness.on('quotes').map((m) => [m.key, m.value.id, m.value.op]);

  describe('when rows exist before the start and change afterwards', () => {
    it('should snapshot them, then stream inserts, updates, moves and deletes with LSN versions', async () => {
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
      const snapshotVersions = harness.on('quotes').map((m) => m.value.version);
      expect(snapshotVersions[0]).to.be.a('number');
      expect(snapshotVersions[1]).to.equal(snapshotVersions[0]);
      expect(harness.on('dlq')[0]?.value).to.deep.include({ source, table, key: '3' });

      await db(table).insert(quoteRow(4, romeTime()));
      await db(table).where({ id: 1 }).update({ price: '7.00' });
      await db(table).where({ id: 2 }).update({ pickup_station: 'BGY' });
      await db(table).where({ id: 1 }).delete();
      await harness.waitFor('the streamed changes', () => harness.on('quotes').length >= 7);
      expect(changes().slice(2)).to.deep.equal([
        ['MXP|LIN', `${source}:4`, 'upsert'],
        ['MXP|LIN', `${source}:1`, 'upsert'],
        ['MXP|LIN', `${source}:2`, 'delete'],
        ['BGY|LIN', `${source}:2`, 'upsert'],
        // The delete carries only the key (REPLICA IDENTITY DEFAULT): it goes under the last key.
        ['MXP|LIN', `${source}:1`, 'delete'],
      ]);
      const versions = harness
        .on('quotes')
        .slice(2)
        .map((m) => m.value.version as number);
      expect(versions.every((v) => typeof v === 'number' && v > (snapshotVersions[0] as number))).to.equal(
        true,
      );
      expect(versions[2]).to.equal(versions[3]);
      expect([...versions].sort((a, b) => a - b)).to.deep.equal(versions);
      expect(harness.on('quotes')[3]?.value).to.deep.include({ price: { amount: 7, currency: 'EUR' } });
    });
  });

  describe('when the source names its own slot (a second appliance on the same database)', () => {
    it('should replicate through that slot and publication, leaving the default name free', async () => {
      const slotName = uniqueName('qf_staging').toLowerCase();
      try {
        await db(table).insert(quoteRow(1, romeTime()));
        await start({ slotName });
        await harness.waitFor('the snapshot', () => harness.on('quotes').length >= 1);
        await db(table).insert(quoteRow(2, romeTime()));
        await harness.waitFor('the streamed insert', () => harness.on('quotes').length >= 2);
        const slots = await db.raw<{ rows: { slot_name: string }[] }>(
          'select slot_name from pg_replication_slots where slot_name in (?, ?)',
          [slotName, replicationNames(source).slot],
        );
        expect(slots.rows.map((row) => row.slot_name)).to.deep.equal([slotName]);
        const publications = await db.raw<{ rows: unknown[] }>(
          'select 1 from pg_publication where pubname = ?',
          [slotName],
        );
        expect(publications.rows).to.have.length(1);
      } finally {
        await service?.stop();
        service = undefined;
        await dropReplication(db, replicationNames({ name: source, slotName }));
      }
    });
  });

  describe('when the connector is stopped while changes keep coming, and started again', () => {
    it('should deliver every change (id, version), resuming from the confirmed LSN', async () => {
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

  describe('when the database is quiet for the published tables', () => {
    it('should confirm the server position so the slot advances', async () => {
      await start();
      await harness.waitFor('the snapshot to end', () => service?.runners[0]?.status.phase === 'streaming');
      const { slot } = replicationNames(source);
      const other = uniqueName('qf_t_other');
      await db.schema.createTable(other, (t) => {
        t.integer('id');
      });
      await db(other).insert(Array.from({ length: 100 }, (_, id) => ({ id })));
      const written = lsnToBigInt(
        (await db.raw<{ rows: { lsn: string }[] }>('select pg_current_wal_lsn() as lsn')).rows[0]?.lsn ??
          '0/0',
      );
      // A quiet database: only the connector's own heartbeat can move the slot past this WAL.
      await waitFor(
        `the slot to pass ${written} (the WAL written)`,
        async () => (await slotPosition(db, slot)) >= written,
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      await db.schema.dropTable(other);
      expect(harness.on('quotes')).to.deep.equal([]);
    });
  });

  describe('when only another database writes WAL, and the connector restarts in between', () => {
    it('should advance the slot past that WAL, and lose no change of its own tables', async () => {
      // The WAL of another database: decoded by nobody here, only a confirmed keepalive passes it.
      const otherName = uniqueName('qf_h12_other_db');
      await db.raw(`create database ${otherName}`);
      const other = createSourceDb({
        client: 'postgres',
        connection: { ...services.postgres, database: otherName },
      });
      try {
        await other.schema.createTable('noise', (t) => {
          t.integer('id');
        });
        const noise = (rows: number) =>
          other('noise').insert(Array.from({ length: rows }, (_, id) => ({ id })));
        const walNow = async () =>
          lsnToBigInt(
            (await db.raw<{ rows: { lsn: string }[] }>('select pg_current_wal_lsn() as lsn')).rows[0]?.lsn ??
              '0/0',
          );
        const { slot } = replicationNames(source);
        await start();
        await harness.waitFor('the snapshot to end', () => service?.runners[0]?.status.phase === 'streaming');

        await noise(500);
        const written = await walNow();
        await waitFor(
          `the slot to pass ${written} (WAL of another database)`,
          async () => (await slotPosition(db, slot)) >= written,
          { timeoutMs: 20_000, intervalMs: 200 },
        );

        // Our changes between bursts of the other database's WAL, over a stop and a start: the
        // keepalives confirmed meanwhile must never pass a change not yet delivered.
        let id = 0;
        const ours = async (count: number) => {
          for (let i = 0; i < count; i++) {
            await db(table).insert(quoteRow(++id, romeTime()));
            await noise(50);
          }
        };
        await ours(40);
        await service?.stop();
        service = undefined;
        await ours(40);
        const beforeStart = await walNow();
        await start();
        await ours(40);
        await harness.waitFor(
          'every insert',
          () => new Set(harness.on('quotes').map((m) => m.value.id)).size >= id,
        );
        const ids = new Set(harness.on('quotes').map((m) => String(m.value.id)));
        expect(ids.size).to.equal(id);
        await noise(500);
        const end = await walNow();
        await waitFor(
          `the slot to pass ${end} again after the restart`,
          async () => (await slotPosition(db, slot)) >= end,
          { timeoutMs: 20_000, intervalMs: 200 },
        );
        expect(end > beforeStart).to.equal(true);
      } finally {
        await other.destroy();
        await db.raw(`drop database if exists ${otherName}`);
      }
    });
  });

  describe('when the database holds a Quoteflow slot that no enabled source reads', () => {
    it('should warn, naming the slot, the WAL it keeps and how to drop it, and leave it alone', async () => {
      const stray = uniqueName('qf_stray').replace(/[^a-z0-9_]/g, '_');
      await db.raw("select pg_create_logical_replication_slot(?, 'pgoutput')", [stray]);
      const warnings: { msg: string; slot?: string; retainedBytes?: number }[] = [];
      const logger = pino(
        { level: 'warn' },
        {
          write: (line: string) => {
            warnings.push(JSON.parse(line) as { msg: string; slot?: string });
          },
        },
      );
      try {
        service = await ConnectorsService.start({
          config: harness.config([quotesSource(source, 'postgres', table, { mode: 'log' })]),
          kafka: harness.kafka,
          logger,
        });
        await waitFor('a warning naming the stray slot', () => warnings.some((w) => w.slot === stray), {
          timeoutMs: 30_000,
        });
        const warning = warnings.find((w) => w.slot === stray);
        expect(warning?.msg).to.include(`select pg_drop_replication_slot('${stray}')`);
        expect(warning?.retainedBytes).to.be.a('number');
        const own = replicationNames(source).slot;
        expect(warnings.filter((w) => w.slot === own)).to.deep.equal([]);
        const left = await db.raw<{ rows: unknown[] }>(
          'select 1 from pg_replication_slots where slot_name = ?',
          [stray],
        );
        expect(left.rows).to.have.length(1);
      } finally {
        await db.raw('select pg_drop_replication_slot(?)', [stray]);
      }
    });
  });
});
