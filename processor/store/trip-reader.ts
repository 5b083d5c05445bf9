import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { PickupDay, RefKey, TripDocs, TripStoreReader } from '../pipeline/trip-store-reader.js';
import type { BookingDoc, QuoteDoc } from './documents.js';
import { chunks } from './chunks.js';
import { args } from './reql.js';

/** Keys or ranges per query: far below RethinkDB's 100,000-element arrays, small enough to overlap. */
const CHUNK = 500;
/** Documents per page when a partition's window is loaded. */
const PAGE = 5000;

interface Between {
  between(from: unknown, to: unknown, options: { index: string; rightBound?: 'open' | 'closed' }): r.Sequence;
}

interface GetAll {
  getAll(...keys: unknown[]): r.Sequence;
}

/**
 * The trip slot's reads from RethinkDB (TripStoreReader), each through the secondary indexes of
 * lib/rethinkdb/tables.ts and a cursor, never an array built on the server.
 */
export class RethinkdbTripReader implements TripStoreReader {
  constructor(private readonly client: RethinkdbClient) {}

  private table(name: 'quotes' | 'bookings'): r.Table {
    return r.db(this.client.db).table(name);
  }

  private async rows<T extends { partition: number }>(query: r.Sequence, partition: number): Promise<T[]> {
    const cursor = await this.client.run(query);
    const out: T[] = [];
    for await (const doc of cursorRows<T>(cursor)) if (doc.partition === partition) out.push(doc);
    return out;
  }

  /** Runs a query per chunk of keys over both tables, all at once. */
  private async both<K>(
    partition: number,
    quoteKeys: readonly K[],
    bookingKeys: readonly K[],
    query: (table: r.Table, keys: K[]) => r.Sequence,
  ): Promise<TripDocs> {
    const [quotes, bookings] = await Promise.all([
      Promise.all(
        chunks(quoteKeys, CHUNK).map((keys) =>
          this.rows<QuoteDoc>(query(this.table('quotes'), keys), partition),
        ),
      ),
      Promise.all(
        chunks(bookingKeys, CHUNK).map((keys) =>
          this.rows<BookingDoc>(query(this.table('bookings'), keys), partition),
        ),
      ),
    ]);
    return { quotes: quotes.flat(), bookings: bookings.flat() };
  }

  recordsById(partition: number, kind: 'quote' | 'booking', ids: readonly string[]): Promise<TripDocs> {
    const getAll = (table: r.Table, keys: string[]) => (table as unknown as GetAll).getAll(args(keys));
    return kind === 'quote' ? this.both(partition, ids, [], getAll) : this.both(partition, [], ids, getAll);
  }

  recordsOnPickupDays(partition: number, days: readonly PickupDay[]): Promise<TripDocs> {
    return this.both(partition, days, days, (table, keys) =>
      (table as unknown as GetAll).getAll(args(keys), { index: 'stations_pickupDay' }),
    );
  }

  async recordsByRef(
    partition: number,
    quoteRefs: readonly RefKey[],
    bookingRefs: readonly RefKey[],
  ): Promise<TripDocs> {
    return this.both(partition, quoteRefs, bookingRefs, (table, keys) =>
      (table as unknown as GetAll).getAll(args(keys), { index: 'ref_stations' }),
    );
  }

  recordsOfClusters(partition: number, clusterIds: readonly string[]): Promise<TripDocs> {
    return this.both(partition, clusterIds, clusterIds, (table, keys) =>
      (table as unknown as GetAll).getAll(args(keys), { index: 'clusterId' }),
    );
  }

  async *recordsFromPickup(partition: number, from: string): AsyncIterable<TripDocs> {
    for (const name of ['quotes', 'bookings'] as const) {
      const query = (this.table(name) as unknown as Between).between(
        [partition, from],
        [partition, (r as unknown as { maxval: unknown }).maxval],
        {
          index: 'partition_pickupAt',
        },
      );
      const cursor = await this.client.run(query);
      let page: (QuoteDoc | BookingDoc)[] = [];
      const flush = (): TripDocs =>
        name === 'quotes'
          ? { quotes: page as QuoteDoc[], bookings: [] }
          : { quotes: [], bookings: page as BookingDoc[] };
      for await (const doc of cursorRows<QuoteDoc | BookingDoc>(cursor)) {
        page.push(doc);
        if (page.length >= PAGE) {
          yield flush();
          page = [];
        }
      }
      if (page.length > 0) yield flush();
    }
  }
}
