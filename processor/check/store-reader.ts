import r from 'rethinkdb';
import { QuoteflowError } from '../../lib/errors.js';
import type { CanonicalEvent } from '../../lib/records/canonical.js';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { GRANULARITIES } from '../core/kpi/buckets.js';
import type { BookingDoc, QuoteDoc } from '../store/documents.js';
import type { StoredRollup } from './differences.js';
import type { TripGroup } from './trip-group.js';

/** Absent from @types/rethinkdb: the bounds below and above every value of an index range. */
const { minval: MINVAL, maxval: MAXVAL } = r as unknown as { minval: unknown; maxval: unknown };

/** The secondary indexes the reads below go through, per table (lib/rethinkdb/tables.ts). */
const INDEXES_READ: Readonly<Record<string, readonly string[]>> = {
  quotes: ['stations'],
  bookings: ['stations'],
  clusters: ['stations'],
  rollups: ['pickupStation', 'granularity_start'],
  events: ['receivedAt'],
  visitors: ['granularity_start_project'],
  identities: ['anonymousId'],
};

/**
 * What `quoteflow check` reads, each query a cursor over an index: never `coerceTo('array')`,
 * which RethinkDB refuses beyond 100,000 documents. Every method returns one bounded slice (a
 * station pair, a pickup station, a window of buckets) or a stream.
 */
export class CheckStoreReader {
  constructor(private readonly client: RethinkdbClient) {}

  /**
   * Fails with a sentence naming the fix when an index is missing: a database made before check
   * streamed lacks some until `quoteflow migrate` has run.
   */
  async requireIndexes(): Promise<void> {
    const tables = new Set(await this.client.run(r.db(this.client.db).tableList()));
    for (const [table, needed] of Object.entries(INDEXES_READ)) {
      if (!tables.has(table)) {
        throw new QuoteflowError(
          'CHECK_INDEX_MISSING',
          `table ${table} is missing: run \`quoteflow migrate\` first`,
        );
      }
      const present = new Set(await this.client.run(this.table(table).indexList()));
      const missing = needed.filter((index) => !present.has(index));
      if (missing.length > 0) {
        throw new QuoteflowError(
          'CHECK_INDEX_MISSING',
          `table ${table} lacks index ${missing.join(', ')}: run \`quoteflow migrate\` first`,
        );
      }
    }
  }

  /**
   * Every pickup station with its drop-off stations, from the `stations` indexes of quotes,
   * bookings and clusters and the `pickupStation` index of rollups (a pickup station may have
   * rollups and no records left). Memory: the number of station pairs.
   */
  async stationPairs(): Promise<Map<string, Set<string>>> {
    const pairs = new Map<string, Set<string>>();
    const add = (pickup: string, dropoff: string | undefined) => {
      let dropoffs = pairs.get(pickup);
      if (!dropoffs) pairs.set(pickup, (dropoffs = new Set()));
      if (dropoff !== undefined) dropoffs.add(dropoff);
    };
    for (const table of ['quotes', 'bookings', 'clusters']) {
      for await (const [pickup, dropoff] of this.rows<[string, string]>(
        this.table(table).distinct({ index: 'stations' }),
      ))
        add(pickup, dropoff);
    }
    for await (const pickup of this.rows<string>(this.table('rollups').distinct({ index: 'pickupStation' })))
      add(pickup, undefined);
    return pairs;
  }

  async tripGroup(pickup: string, dropoff: string): Promise<TripGroup> {
    const pair = (table: string) => this.table(table).getAll([pickup, dropoff], { index: 'stations' });
    const [quotes, bookings, clusters] = await Promise.all([
      this.collect<QuoteDoc>(pair('quotes')),
      this.collect<BookingDoc>(pair('bookings')),
      this.collect<{ id: string }>(pair('clusters').pluck('id')),
    ]);
    return { quotes, bookings, clusterIds: clusters.map((doc) => doc.id) };
  }

  /** The trip rollups of one pickup station. */
  tripRollups(pickup: string): Promise<StoredRollup[]> {
    return this.collect<StoredRollup>(
      this.table('rollups').getAll(pickup, { index: 'pickupStation' }).pluck('id', 'counts'),
    );
  }

  /** All events in `receivedAt` index order (string order of the stored timestamps). */
  eventsInOrder(): AsyncIterable<CanonicalEvent> {
    return this.rows<CanonicalEvent>(this.table('events').orderBy({ index: 'receivedAt' }));
  }

  /** Ids of the visitor documents whose bucket starts in [from, to) (null: unbounded). */
  async visitorIds(from: string | null, to: string | null): Promise<string[]> {
    const ids: string[] = [];
    for (const granularity of GRANULARITIES) {
      const range = this.startRange('visitors', 'granularity_start_project', granularity, from, to);
      for await (const doc of this.rows<{ id: string }>(range.pluck('id'))) ids.push(doc.id);
    }
    return ids;
  }

  /** The stored identity links of these ids (at most a few thousand at a time), by id. */
  async identities(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const docs = new Map<string, Record<string, unknown>>();
    if (ids.length === 0) return docs;
    const query = this.table('identities').getAll(...ids);
    for await (const doc of this.rows<Record<string, unknown>>(query)) docs.set(String(doc.id), doc);
    return docs;
  }

  /** How many identity links are stored. */
  async identityCount(): Promise<number> {
    return this.client.run(this.table('identities').count());
  }

  /** The event rollups whose bucket starts in [from, to) (null: unbounded). */
  async eventRollups(from: string | null, to: string | null): Promise<StoredRollup[]> {
    const docs: StoredRollup[] = [];
    for (const granularity of GRANULARITIES) {
      const range = this.startRange('rollups', 'granularity_start', granularity, from, to)
        .filter({ kind: 'event' })
        .pluck('id', 'counts');
      for await (const doc of this.rows<StoredRollup>(range)) docs.push(doc);
    }
    return docs;
  }

  private startRange(
    table: string,
    index: string,
    granularity: string,
    from: string | null,
    to: string | null,
  ): r.Sequence {
    // A compound index key [granularity, start, …] sorts after its prefix [granularity, start], so
    // these bounds take exactly the starts in [from, to).
    return this.table(table).between([granularity, from ?? MINVAL], [granularity, to ?? MAXVAL], {
      index,
    });
  }

  private table(name: string): r.Table {
    return r.db(this.client.db).table(name);
  }

  private async *rows<T>(query: r.Sequence): AsyncIterable<T> {
    yield* cursorRows<T>(await this.client.run(query));
  }

  private async collect<T>(query: r.Sequence): Promise<T[]> {
    const out: T[] = [];
    for await (const row of this.rows<T>(query)) out.push(row);
    return out;
  }
}
