import type { BookingUpsert, QuoteUpsert } from '../../lib/records/canonical.js';
import type { Resolver, TripChange } from '../core/resolver.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { blockWidthMs } from '../../lib/resolution/rules.js';
import { toTripChange } from '../core/trip-change.js';
import type { NormalisedBooking, NormalisedQuote, TripFields } from '../../lib/resolution/trip-record.js';
import type { BookingDoc, QuoteDoc } from '../store/documents.js';
import type { PickupDay, RefKey, TripDocs, TripStoreReader } from './trip-store-reader.js';

const DAY_MS = 86_400_000;
/**
 * Station-pair days read below the floor after which memory is swept even though the floor has
 * not moved: a stream far out of time order (a backfill in random order) would otherwise keep
 * everything it read.
 */
const MAX_LOADED_DAYS = 20_000;

export interface TripMemoryOptions {
  partition: number;
  rules: ResolutionRules;
  reader: TripStoreReader;
  /** Records whose pickup lies this long before the newest record's time are released. */
  keepPastPickupMs: number;
  /** Processing time (injected by tests). */
  now?: () => number;
}

/**
 * Keeps in a trip slot's memory only what new records can still join, and reads the rest from the
 * store when a change touches it (processor/README.md, "Memory").
 *
 * Every rule joins records with the same stations and pickup times at most one block width apart
 * (the largest pickup tolerance), except rule 1, which follows a reference. So memory is organised
 * by *regions* — a station pair and one UTC day of pickup time — and kept to two invariants:
 * - **complete regions**: every stored record of a region that starts at or after the floor (or
 *   of a region loaded since the last release) is in memory;
 * - **closed groups**: a quote in memory has its whole cluster, and the bookings matched to it,
 *   in memory; a booking in memory has the cluster of its quote.
 * Before a batch, the regions around its records and the records their references name are
 * loaded (with their clusters), then the regions and references of every booking the batch may
 * re-match; the resolver then sees everything it would see with all history in memory. When the
 * newest record's time moves on, whole groups whose pickups all lie before the floor are released.
 * New records come with pickups from about now on, so what stays is bounded by how far ahead
 * customers quote and book, not by history.
 */
export class TripMemory {
  private readonly width: number;
  /** Regions from this pickup block on are complete. */
  private floorSlot = Number.NEGATIVE_INFINITY;
  /** Regions (`pickup|dropoff|day`) before the floor read since the last release. */
  private readonly loadedRegions = new Set<string>();
  /** The newest quotedAt / bookedAt seen (epoch ms), capped at a day after processing time. */
  private newest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: TripMemoryOptions,
    private readonly resolver: Resolver,
    private readonly records: Map<string, QuoteUpsert | BookingUpsert>,
  ) {
    this.width = blockWidthMs(options.rules);
  }

  /** The newest record time seen, kept in the journal so that a rebuild starts from the same floor. */
  get watermark(): number | undefined {
    return Number.isFinite(this.newest) ? this.newest : undefined;
  }

  /**
   * Loads the records a rebuilt slot keeps: pickups from `watermark − keepPastPickup` on, a page at
   * a time, then the clusters they belong to. `watermark` undefined: nothing was ever processed
   * here, so nothing is stored and every region is complete.
   */
  async restore(watermark: number | undefined): Promise<{ quotes: number; bookings: number }> {
    if (watermark === undefined) return { quotes: 0, bookings: 0 };
    this.newest = watermark;
    this.floorSlot = this.slotOf(watermark - this.options.keepPastPickupMs);
    const { reader, partition } = this.options;
    const clusters = new Set<string>();
    let quotes = 0;
    let bookings = 0;
    for await (const page of reader.recordsFromPickup(partition, iso(this.floorSlot * this.width))) {
      for (const doc of [...page.quotes, ...page.bookings]) if (doc.clusterId) clusters.add(doc.clusterId);
      this.admit(page);
      quotes += page.quotes.length;
      bookings += page.bookings.length;
    }
    // Clusters reach back before the floor (and bookings matched by reference anywhere).
    if (clusters.size > 0) this.admit(await reader.recordsOfClusters(partition, [...clusters]));
    return { quotes, bookings };
  }

  /** Brings into memory everything the batch's changes can touch (see the class comment). */
  async loadFor(kind: 'quote' | 'booking', changes: readonly TripChange[]): Promise<void> {
    const { reader, partition } = this.options;
    const unknown = [...new Set(changes.filter((c) => !this.resolver.mark(kind, c.id)).map((c) => c.id))];
    if (unknown.length > 0) await this.admitClosed(await reader.recordsById(partition, kind, unknown));

    const around = new Wanted();
    for (const change of changes) if (change.record) this.want(around, change.record);
    await this.load(around);

    const rematched = new Wanted();
    for (const change of changes) {
      if (change.kind !== 'quote') continue;
      const previous = this.resolver.quote(change.id);
      const bookings = [
        ...(previous ? this.resolver.matchedBookings(previous.id) : []),
        ...(change.record ? this.resolver.bookingCandidates(change.record) : []),
      ];
      for (const id of bookings) {
        const booking = this.resolver.booking(id);
        if (booking) this.want(rematched, booking);
      }
    }
    await this.load(rematched);
  }

  /** Notes a record's time: the floor follows the newest one. */
  observe(record: NormalisedQuote | NormalisedBooking): void {
    const at = record.kind === 'quote' ? record.quotedAt : record.bookedAt;
    const cap = (this.options.now ?? Date.now)() + DAY_MS;
    this.newest = Math.max(this.newest, Math.min(at, cap));
  }

  /**
   * Releases the groups whose pickups all lie before the new floor, once the floor has moved by a
   * day or many regions below it were read (a release walks every group). Between batches only.
   * Returns how many records went.
   */
  release(): number {
    if (!Number.isFinite(this.newest)) return 0;
    const floor = this.slotOf(this.newest - this.options.keepPastPickupMs);
    const moved = floor - this.floorSlot >= Math.max(1, Math.round(DAY_MS / this.width));
    if (!moved && this.loadedRegions.size < MAX_LOADED_DAYS) return 0;
    return this.releaseBefore(floor * this.width);
  }

  /**
   * Releases every group whose pickups all lie before `pickupAt` (epoch ms) and makes that the
   * floor. `release` calls it as the newest record time moves; tests call it to release anything.
   */
  releaseBefore(pickupAt: number): number {
    // The floor never goes back: regions before it may have lost records to a release.
    const floor = Math.max(this.floorSlot, this.slotOf(pickupAt));
    const floorStart = floor * this.width;
    let released = 0;
    const old = (trip: TripFields | undefined) => trip === undefined || trip.pickupAt < floorStart;
    for (const group of [...this.resolver.groups()]) {
      if (!group.quoteIds.every((id) => old(this.resolver.quote(id)))) continue;
      if (!group.bookingIds.every((id) => old(this.resolver.booking(id)))) continue;
      this.resolver.evictGroup(group);
      for (const id of group.quoteIds) this.records.delete(`quote:${id}`);
      for (const id of group.bookingIds) this.records.delete(`booking:${id}`);
      released += group.quoteIds.length + group.bookingIds.length;
    }
    this.floorSlot = floor;
    this.loadedRegions.clear();
    return released;
  }

  /** The regions around a record that are not complete yet, and what its reference names. */
  private want(wanted: Wanted, trip: NormalisedQuote | NormalisedBooking): void {
    // Candidates lie in the record's pickup block or a neighbouring one.
    const slot = this.slotOf(trip.pickupAt);
    const floorStart = this.floorSlot * this.width;
    const first = Math.floor(((slot - 1) * this.width) / DAY_MS);
    const last = Math.floor(((slot + 2) * this.width - 1) / DAY_MS);
    for (let day = first; day <= last; day++) {
      const date = iso(day * DAY_MS).slice(0, 10);
      const key = `${trip.pickupStation}|${trip.dropoffStation}|${date}`;
      if (day * DAY_MS >= floorStart || this.loadedRegions.has(key) || wanted.regions.has(key)) continue;
      wanted.regions.set(key, [trip.pickupStation, trip.dropoffStation, date]);
    }
    const ref = trip.kind === 'quote' ? trip.brokerQuoteRef : trip.quoteRef;
    if (ref === null) return;
    const key: RefKey = [trip.source, ref, trip.pickupStation, trip.dropoffStation];
    // A quote's reference names the bookings it may win; a booking's, the quotes it may match.
    (trip.kind === 'quote' ? wanted.bookingRefs : wanted.quoteRefs).set(key.join('\u0000'), key);
  }

  private async load(wanted: Wanted): Promise<void> {
    const { reader, partition } = this.options;
    const days = [...wanted.regions.values()];
    const quoteRefs = [...wanted.quoteRefs.values()];
    const bookingRefs = [...wanted.bookingRefs.values()];
    const [inRanges, byRef] = await Promise.all([
      days.length > 0 ? reader.recordsOnPickupDays(partition, days) : EMPTY,
      quoteRefs.length + bookingRefs.length > 0
        ? reader.recordsByRef(partition, quoteRefs, bookingRefs)
        : EMPTY,
    ]);
    for (const key of wanted.regions.keys()) this.loadedRegions.add(key);
    await this.admitClosed({
      quotes: [...inRanges.quotes, ...byRef.quotes],
      bookings: [...inRanges.bookings, ...byRef.bookings],
    });
  }

  /** Admits records and then the clusters they belong to that memory does not hold yet. */
  private async admitClosed(docs: TripDocs): Promise<void> {
    const missing = new Set<string>();
    for (const doc of [...docs.quotes, ...docs.bookings]) {
      // A cluster whose named quote is in memory is whole (closed groups).
      if (doc.clusterId && !this.resolver.quote(doc.clusterId)) missing.add(doc.clusterId);
    }
    this.admit(docs);
    if (missing.size > 0) {
      this.admit(await this.options.reader.recordsOfClusters(this.options.partition, [...missing]));
    }
  }

  /** Adds stored records to the resolver as they are; a record memory already holds is skipped. */
  private admit(docs: TripDocs): void {
    const { rules } = this.options;
    const add = (doc: QuoteDoc | BookingDoc) => {
      if (this.resolver.mark(doc.kind, doc.id)) return;
      this.records.set(`${doc.kind}:${doc.id}`, doc);
      this.resolver.apply(toTripChange(doc, rules));
    };
    for (const doc of docs.quotes) add(doc);
    for (const doc of docs.bookings) add(doc);
  }

  private slotOf(ms: number): number {
    return Math.floor(ms / this.width);
  }
}

class Wanted {
  readonly regions = new Map<string, PickupDay>();
  readonly quoteRefs = new Map<string, RefKey>();
  readonly bookingRefs = new Map<string, RefKey>();
}

const EMPTY: TripDocs = { quotes: [], bookings: [] };

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
