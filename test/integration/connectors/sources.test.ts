import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { ConnectorsService } from '../../../connectors/connectors-service.js';
import { createLogger } from '../../../lib/logger.js';
import { silentLogger } from '../../support/silent-logger.js';
import { services, uniqueName } from '../../support/services.js';
import { KafkaHarness, quotesSource } from './harness.js';
import { createQuotesTable, quoteRow, romeTime, sourceDb } from './source-tables.js';
import { TcpProxy, freePort } from './tcp-proxy.js';

/** A booking system on MariaDB with its own schema, in New York time. */
async function createReservations(db: Knex, table: string): Promise<void> {
  await db.schema.createTable(table, (t) => {
    t.string('reservation_id', 32).primary();
    t.dateTime('booked_on', { precision: 0 });
    t.string('state', 16);
    t.bigInteger('revision');
    t.dateTime('modified_on', { precision: 6 });
    t.string('from_branch', 8);
    t.dateTime('from_time', { precision: 0 });
    t.string('to_branch', 8);
    t.dateTime('to_time', { precision: 0 });
    t.string('vehicle_class', 8);
    t.decimal('amount', 10, 2);
    t.string('currency_code', 3).nullable();
  });
}

function reservationsSource(name: string, table: string): Record<string, unknown> {
  return {
    name,
    client: 'mysql',
    mode: 'poll',
    connection: services.mariadb,
    timezone: 'America/New_York',
    pollIntervalMs: 100,
    tables: {
      bookings: {
        table,
        key: 'reservation_id',
        defaultCurrency: 'USD',
        columns: {
          bookedAt: 'booked_on',
          status: 'state',
          updatedAt: 'modified_on',
          version: 'revision',
          pickupStation: 'from_branch',
          pickupAt: 'from_time',
          dropoffStation: 'to_branch',
          dropoffAt: 'to_time',
          carGroup: 'vehicle_class',
          priceAmount: 'amount',
          priceCurrency: 'currency_code',
        },
        statusValues: { confirmed: ['OK'], cancelled: ['STORNO'] },
      },
    },
  };
}

describe('connectors with several sources (real databases and Kafka)', function () {
  this.timeout(90_000);
  let pg: Knex;
  let maria: Knex;
  let harness: KafkaHarness;
  let service: ConnectorsService | undefined;
  const quotesTable = uniqueName('qf_t_quotes');
  const reservationsTable = uniqueName('qf_t_reservations');

  beforeEach(async () => {
    pg = sourceDb('postgres');
    maria = sourceDb('mysql');
    await createQuotesTable(pg, quotesTable);
    await createReservations(maria, reservationsTable);
    harness = new KafkaHarness();
    await harness.start();
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await harness.stop();
    await pg.schema.dropTableIfExists(quotesTable);
    await maria.schema.dropTableIfExists(reservationsTable);
    await pg.destroy();
    await maria.destroy();
  });

  describe('when two sources have different schemas and time zones', () => {
    it('should map each with its own columns and zone', async () => {
      await pg(quotesTable).insert(quoteRow(1, romeTime(-1000)));
      await maria(reservationsTable).insert({
        reservation_id: 'R-9',
        booked_on: '2026-06-26 10:00:00',
        state: 'ok',
        revision: 4,
        modified_on: '2026-06-26 10:00:00.5',
        from_branch: 'jfk',
        from_time: '2026-07-01 09:00:00',
        to_branch: 'lga',
        to_time: '2026-07-05 09:00:00',
        vehicle_class: 'FFAR',
        amount: '300.00',
        currency_code: null,
      });
      service = await ConnectorsService.start({
        config: harness.config([
          quotesSource('broker-pg', 'postgres', quotesTable),
          reservationsSource('booking-my', reservationsTable),
        ]),
        kafka: harness.kafka,
        logger: silentLogger,
      });
      await harness.waitFor(
        'one quote and one booking',
        () => harness.on('quotes').length >= 1 && harness.on('bookings').length >= 1,
      );
      expect(harness.on('quotes')[0]?.value).to.deep.include({
        id: 'broker-pg:1',
        quotedAt: '2026-06-25T20:14:00Z',
      });
      expect(harness.on('bookings').map((m) => [m.key, m.value])).to.deep.equal([
        [
          'JFK|LGA',
          {
            kind: 'booking',
            op: 'upsert',
            id: 'booking-my:R-9',
            source: 'booking-my',
            sourceKey: 'R-9',
            version: 4,
            bookedAt: '2026-06-26T14:00:00Z',
            quoteRef: null,
            status: 'confirmed',
            customer: { email: null, phone: null, name: null },
            pickup: { station: 'JFK', at: '2026-07-01T13:00:00Z' },
            dropoff: { station: 'LGA', at: '2026-07-05T13:00:00Z' },
            carGroup: 'FFAR',
            price: { amount: 300, currency: 'USD' },
            channel: null,
            attributes: {},
          },
        ],
      ]);
    });
  });

  describe('when a source loses a column it reads', () => {
    it('should report the source and the column, and keep the other source going', async () => {
      await pg(quotesTable).insert(quoteRow(1, romeTime(-1000)));
      service = await ConnectorsService.start({
        config: harness.config([
          quotesSource('dropped-pg', 'postgres', quotesTable),
          reservationsSource('steady-my', reservationsTable),
        ]),
        kafka: harness.kafka,
        logger: silentLogger,
      });
      await harness.waitFor('the first quote', () => harness.on('quotes').length >= 1);
      await pg.schema.alterTable(quotesTable, (t) => {
        t.dropColumn('updated_at');
      });
      const [dropped] = service.runners;
      await harness.waitFor('the failure', () => dropped?.status.state === 'failing');
      expect(dropped?.status.lastError).to.match(
        /^source dropped-pg \(postgres 127\.0\.0\.1:5432\/postgres\): .*updated_at/,
      );
      await maria(reservationsTable).insert({
        reservation_id: 'R-2',
        booked_on: '2026-06-26 10:00:00',
        state: 'OK',
        revision: 1,
        modified_on: '2026-06-26 10:00:00',
        from_branch: 'JFK',
        from_time: '2026-07-01 09:00:00',
        to_branch: 'LGA',
        to_time: '2026-07-05 09:00:00',
        vehicle_class: 'FFAR',
        amount: '1.00',
      });
      await harness.waitFor('the other source', () =>
        harness.on('bookings').some((m) => m.value.id === 'steady-my:R-2'),
      );
    });
  });

  describe('when a source is down at start and one has a wrong password', () => {
    it('should run the others, name the failing source without its password, and pick it up once it is reachable', async () => {
      const port = await freePort();
      const password = 'sekret-Pw-4711';
      const lines: string[] = [];
      const logger = createLogger({
        level: 'info',
        destination: new Writable({
          write(chunk: Buffer, _encoding, callback) {
            lines.push(chunk.toString());
            callback();
          },
        }),
      });
      await pg(quotesTable).insert(quoteRow(1, romeTime(-1000)));
      await maria(reservationsTable).insert({
        reservation_id: 'R-1',
        booked_on: '2026-06-26 10:00:00',
        state: 'OK',
        revision: 1,
        modified_on: '2026-06-26 10:00:00',
        from_branch: 'JFK',
        from_time: '2026-07-01 09:00:00',
        to_branch: 'LGA',
        to_time: '2026-07-05 09:00:00',
        vehicle_class: 'FFAR',
        amount: '1.00',
      });
      const late = quotesSource('late-pg', 'postgres', quotesTable, {
        connection: { ...services.postgres, port, password },
      });
      const locked = {
        ...reservationsSource('locked-my', reservationsTable),
        connection: { ...services.mariadb, password },
      };
      service = await ConnectorsService.start({
        config: harness.config([late, locked, reservationsSource('good-my', reservationsTable)]),
        kafka: harness.kafka,
        logger,
      });
      await harness.waitFor('the healthy source', () =>
        harness.on('bookings').some((m) => m.value.source === 'good-my'),
      );
      const [lateRunner, lockedRunner] = service.runners;
      await harness.waitFor(
        'both failures reported',
        () => lateRunner?.status.lastError != null && lockedRunner?.status.lastError != null,
      );
      expect(lateRunner?.status.state).to.equal('failing');
      expect(lateRunner?.status.lastError).to.match(
        new RegExp(`^source late-pg \\(postgres 127\\.0\\.0\\.1:${port}/postgres\\): .*ECONNREFUSED`),
      );
      expect(lockedRunner?.status.lastError).to.match(
        /^source locked-my \(mysql 127\.0\.0\.1:3306\/test\): Access denied/,
      );
      expect(harness.on('quotes')).to.deep.equal([]);

      const proxy = new TcpProxy(port, { host: '127.0.0.1', port: 5432 });
      await proxy.start();
      try {
        await harness.waitFor(
          'the late source, once reachable',
          () => harness.on('quotes').some((m) => m.value.id === 'late-pg:1'),
          20_000,
        );
        expect(lateRunner?.status.state).to.equal('running');
        await service.stop();
        service = undefined;
      } finally {
        await proxy.stop();
      }
      const log = lines.join('');
      expect(log).to.include('source late-pg');
      expect(log).to.include('source locked-my');
      expect(log).not.to.include(password);
      expect(JSON.stringify(harness.received)).not.to.include(password);
    });
  });
});
