import { expect } from 'chai';
import { sourceSchema } from '../../../lib/config/schema.js';
import type { MappedTable } from '../../../connectors/mapping/table-mapping.js';
import { mappedTables } from '../../../connectors/mapping/table-mapping.js';
import { mapRow } from '../../../connectors/mapping/row-mapper.js';

const source = sourceSchema.parse({
  name: 'rentalcars',
  client: 'postgres',
  connection: { host: 'h', user: 'u', database: 'd' },
  timezone: 'Europe/Rome',
  tables: {
    quotes: {
      table: 'broker_quotes',
      defaultCurrency: 'EUR',
      columns: {
        quotedAt: 'created_at',
        updatedAt: 'updated_at',
        deleted: 'deleted_at',
        brokerQuoteRef: 'quote_ref',
        customerEmail: 'email',
        customerName: 'full_name',
        pickupStation: 'pickup_station',
        pickupAt: 'pickup_at',
        dropoffStation: 'return_station',
        dropoffAt: 'return_at',
        carGroup: 'acriss',
        priceAmount: 'total_price',
        priceCurrency: 'currency',
      },
    },
    bookings: {
      table: 'reservations',
      key: 'reservation_id',
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
      },
      statusValues: { confirmed: ['OK', 'CONFIRMED'], cancelled: ['STORNO'] },
    },
  },
});
const [quotes, bookings] = mappedTables(source) as [MappedTable, MappedTable];

const quoteRow = {
  id: 19,
  created_at: '2026-06-25 22:14:00',
  updated_at: '2026-06-25 22:15:00.123456',
  deleted_at: null,
  quote_ref: 'Q1002',
  email: 'gricci91+x@yahoo.it',
  full_name: 'GIOVANNI RICCI',
  pickup_station: ' bgy ',
  pickup_at: '2026-07-01 09:36:00',
  return_station: 'bgy',
  return_at: '2026-07-11 07:36:00',
  acriss: 'IDAR',
  total_price: '441.20',
  currency: null,
};

const bookingRow = {
  reservation_id: 'B7',
  booked_on: '2026-06-26 10:00:00',
  state: 'ok',
  modified_on: '2026-06-26 10:00:00',
  revision: 3,
  from_branch: 'MXP',
  from_time: '2026-07-01 09:00:00',
  to_branch: 'LIN',
  to_time: '2026-07-05 09:00:00',
  vehicle_class: 'CDMR',
};

const map = (
  table: MappedTable,
  row: Record<string, unknown>,
  extra: { version?: number; deleted?: boolean } = {},
) => mapRow({ source: 'rentalcars', timezone: 'Europe/Rome', table, row, ...extra });

describe('mapRow', () => {
  describe('when a quote row maps', () => {
    it('should build the canonical quote in UTC with the default currency and updatedAt as version', () => {
      expect(map(quotes, quoteRow)).to.deep.equal({
        type: 'record',
        stationKey: 'BGY|BGY',
        record: {
          kind: 'quote',
          op: 'upsert',
          id: 'rentalcars:19',
          source: 'rentalcars',
          sourceKey: '19',
          version: '2026-06-25T20:15:00.123456Z',
          quotedAt: '2026-06-25T20:14:00Z',
          brokerQuoteRef: 'Q1002',
          customer: { email: 'gricci91+x@yahoo.it', phone: null, name: 'GIOVANNI RICCI' },
          pickup: { station: 'BGY', at: '2026-07-01T07:36:00Z' },
          dropoff: { station: 'BGY', at: '2026-07-11T05:36:00Z' },
          carGroup: 'IDAR',
          price: { amount: 441.2, currency: 'EUR' },
          channel: null,
          attributes: {},
        },
      });
    });

    it('should take the row currency, upper-cased, over the default', () => {
      const outcome = map(quotes, { ...quoteRow, currency: 'chf' });
      expect(
        outcome.type === 'record' && outcome.record.op === 'upsert' && outcome.record.price,
      ).to.deep.equal({
        amount: 441.2,
        currency: 'CHF',
      });
    });

    it('should use the log position as version when one is given', () => {
      const outcome = map(quotes, quoteRow, { version: 123456 });
      expect(outcome.type === 'record' && outcome.record.version).to.equal(123456);
    });
  });

  describe('when a booking row maps', () => {
    it('should map status values case-insensitively and take the version column', () => {
      const outcome = map(bookings, bookingRow);
      expect(outcome.type).to.equal('record');
      if (outcome.type !== 'record' || outcome.record.kind !== 'booking' || outcome.record.op !== 'upsert')
        return;
      expect(outcome.record.status).to.equal('confirmed');
      expect(outcome.record.version).to.equal(3);
      expect(outcome.record.id).to.equal('rentalcars:B7');
      expect(outcome.record.bookedAt).to.equal('2026-06-26T08:00:00Z');
      expect(outcome.record.price).to.equal(null);
      expect(outcome.stationKey).to.equal('MXP|LIN');
    });

    it('should map a cancelled value', () => {
      const outcome = map(bookings, { ...bookingRow, state: 'Storno' });
      expect(
        outcome.type === 'record' &&
          outcome.record.op === 'upsert' &&
          outcome.record.kind === 'booking' &&
          outcome.record.status,
      ).to.equal('cancelled');
    });
  });

  describe('when a row is deleted', () => {
    it('should turn a set soft-delete column into a delete with the row version and stations', () => {
      expect(map(quotes, { ...quoteRow, deleted_at: '2026-06-26 10:00:00' })).to.deep.equal({
        type: 'record',
        stationKey: 'BGY|BGY',
        record: {
          kind: 'quote',
          op: 'delete',
          id: 'rentalcars:19',
          source: 'rentalcars',
          sourceKey: '19',
          version: '2026-06-25T20:15:00.123456Z',
        },
      });
    });

    it('should map a logged delete that carries only the primary key', () => {
      expect(map(quotes, { id: 19 }, { deleted: true, version: 99 })).to.deep.equal({
        type: 'record',
        stationKey: undefined,
        record: {
          kind: 'quote',
          op: 'delete',
          id: 'rentalcars:19',
          source: 'rentalcars',
          sourceKey: '19',
          version: 99,
        },
      });
    });
  });

  describe('when a row cannot be mapped', () => {
    const dlq = (table: MappedTable, row: Record<string, unknown>) => {
      const outcome = map(table, row);
      return outcome.type === 'dlq' ? outcome.dlq : outcome;
    };

    it('should name a required column that is null', () => {
      expect(dlq(quotes, { ...quoteRow, pickup_station: null })).to.deep.equal({
        kind: 'dlq',
        component: 'connectors',
        source: 'rentalcars',
        table: 'broker_quotes',
        key: '19',
        reason: 'pickup.station: column pickup_station is null or empty',
      });
    });

    it('should name an unparsable date', () => {
      expect(dlq(quotes, { ...quoteRow, return_at: 'next tuesday' })).to.include({
        reason: 'dropoff.at: column return_at is not a date-time',
      });
    });

    it('should name an unknown status', () => {
      expect(dlq(bookings, { ...bookingRow, state: 'pending' })).to.include({ key: 'B7' });
      expect(dlq(bookings, { ...bookingRow, state: 'pending' }))
        .to.have.property('reason')
        .that.matches(/^status: /);
    });

    it('should name a missing key with a null key', () => {
      expect(dlq(quotes, { ...quoteRow, id: null })).to.include({
        key: null,
        reason: 'key: column id is null or missing',
      });
    });

    it('should name a price that is not a number', () => {
      expect(dlq(quotes, { ...quoteRow, total_price: 'n/a' })).to.include({
        reason: 'price.amount: column total_price is not a number',
      });
    });

    it('should name a missing version', () => {
      expect(dlq(quotes, { ...quoteRow, updated_at: null })).to.include({
        reason: 'version: column updated_at is null',
      });
    });

    it('should name a field the canonical schema rejects', () => {
      expect(dlq(quotes, { ...quoteRow, currency: 'euro' }))
        .to.have.property('reason')
        .that.matches(/^price\.currency: /);
    });
  });
});
