import type { BookingDoc, Journal, QuoteDoc, TombstoneDoc } from '../../processor/store/documents.js';
import type { ClusterDoc } from '../../processor/store/documents.js';
import type {
  PickupDay,
  RefKey,
  TripDocs,
  TripStoreReader,
} from '../../processor/pipeline/trip-store-reader.js';

/**
 * The processor's trip documents kept in maps, with journals applied as ProcessorStore applies
 * them and read as RethinkdbTripReader reads them (its indexes written out in JavaScript). For the
 * property tests of TripSlot's memory, which run thousands of histories: the real store's reader
 * is tested against RethinkDB in test/integration/processor/trip-memory.test.ts.
 */
export class MemoryTripStore implements TripStoreReader {
  readonly quotes = new Map<string, QuoteDoc>();
  readonly bookings = new Map<string, BookingDoc>();
  readonly clusters = new Map<string, ClusterDoc>();
  readonly tombstones = new Map<string, TombstoneDoc>();
  /** Rollup counts summed over every journal, by rollup id. */
  readonly rollups = new Map<string, Record<string, number>>();
  /** Reads answered, by method: to see that the slot did read. */
  readonly reads = new Map<string, number>();

  apply(journal: Journal): void {
    const table = <T extends { id: string }>(map: Map<string, T>, change: { put: T[]; remove: string[] }) => {
      for (const id of change.remove) map.delete(id);
      for (const doc of change.put) map.set(doc.id, doc);
    };
    table(this.quotes, journal.quotes);
    table(this.bookings, journal.bookings);
    table(this.clusters, journal.clusters);
    table(this.tombstones, journal.tombstones);
    for (const rollup of journal.rollups) {
      const counts = this.rollups.get(rollup.id) ?? {};
      for (const [name, value] of Object.entries(rollup.counts)) counts[name] = (counts[name] ?? 0) + value;
      this.rollups.set(rollup.id, counts);
    }
  }

  private count(method: string): void {
    this.reads.set(method, (this.reads.get(method) ?? 0) + 1);
  }

  private select(partition: number, keep: (doc: QuoteDoc | BookingDoc) => boolean): TripDocs {
    return {
      quotes: [...this.quotes.values()].filter((doc) => doc.partition === partition && keep(doc)),
      bookings: [...this.bookings.values()].filter((doc) => doc.partition === partition && keep(doc)),
    };
  }

  recordsById(partition: number, kind: 'quote' | 'booking', ids: readonly string[]): Promise<TripDocs> {
    this.count('recordsById');
    const wanted = new Set(ids);
    return Promise.resolve(this.select(partition, (doc) => doc.kind === kind && wanted.has(doc.id)));
  }

  recordsOnPickupDays(partition: number, days: readonly PickupDay[]): Promise<TripDocs> {
    this.count('recordsOnPickupDays');
    const wanted = new Set(days.map((day) => day.join('|')));
    return Promise.resolve(
      this.select(partition, (doc) =>
        wanted.has([doc.pickup.station, doc.dropoff.station, doc.pickup.at.slice(0, 10)].join('|')),
      ),
    );
  }

  recordsByRef(
    partition: number,
    quoteRefs: readonly RefKey[],
    bookingRefs: readonly RefKey[],
  ): Promise<TripDocs> {
    this.count('recordsByRef');
    const keys = (refs: readonly RefKey[]) => new Set(refs.map((key) => key.join('\u0000')));
    const [quoteKeys, bookingKeys] = [keys(quoteRefs), keys(bookingRefs)];
    const refOf = (doc: QuoteDoc | BookingDoc) => {
      const ref = (doc.kind === 'quote' ? doc.brokerQuoteRef : doc.quoteRef)?.trim();
      return ref ? [doc.source, ref, doc.pickup.station, doc.dropoff.station].join('\u0000') : undefined;
    };
    return Promise.resolve(
      this.select(partition, (doc) => {
        const ref = refOf(doc);
        return ref !== undefined && (doc.kind === 'quote' ? quoteKeys : bookingKeys).has(ref);
      }),
    );
  }

  recordsOfClusters(partition: number, clusterIds: readonly string[]): Promise<TripDocs> {
    this.count('recordsOfClusters');
    const wanted = new Set(clusterIds);
    return Promise.resolve(
      this.select(partition, (doc) => doc.clusterId !== null && wanted.has(doc.clusterId)),
    );
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async *recordsFromPickup(partition: number, from: string): AsyncIterable<TripDocs> {
    this.count('recordsFromPickup');
    yield this.select(partition, (doc) => doc.pickup.at >= from);
  }
}
