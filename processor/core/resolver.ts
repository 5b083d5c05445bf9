import type { RecordVersion } from '../../lib/records/version.js';
import { compareVersions } from '../../lib/records/version.js';
import type { VersionMark } from './cdc.js';
import { supersedes } from './cdc.js';
import { isDuplicatePair } from '../../lib/resolution/duplicate-rule.js';
import { MultiMap, SlotIndex } from './multi-map.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { blockWidthMs } from '../../lib/resolution/rules.js';
import type { NormalisedBooking, NormalisedQuote, TripFields } from '../../lib/resolution/trip-record.js';
import { customerKeys, sameCustomer, sameStations } from '../../lib/resolution/trip-record.js';
import type { BatchChanges, BookingView, ClusterView, QuoteView, Transition } from './views.js';

export type TripChange =
  | { kind: 'quote'; id: string; version: RecordVersion; record: NormalisedQuote | null }
  | { kind: 'booking'; id: string; version: RecordVersion; record: NormalisedBooking | null };

/** applied: the state changed; replay: this version was seen; stale: a newer version was seen. */
export type ApplyResult = 'applied' | 'replay' | 'stale';

interface Cluster {
  members: Set<string>;
  id: string | undefined;
}

interface Capture {
  quotes: Map<string, QuoteView | null>;
  bookings: Map<string, BookingView | null>;
  clusters: Map<Cluster, ClusterView | null>;
}

/**
 * Incremental duplicate resolution and booking matching over live quotes and bookings.
 *
 * Duplicates are kept as an explicit graph (edges between duplicate quotes) whose connected
 * components are the clusters: a new quote links to its duplicates and merges their clusters; a
 * removed quote drops its edges and its cluster is searched again, so it splits when the quote was
 * a bridge. Candidates come from blocks (stations, one customer key, pickup-time slot), so the cost
 * per record is bounded by the records of one customer on one trip, not by the whole state.
 * Matches are re-evaluated for every booking a changed quote could win or lose.
 *
 * Between beginBatch and endBatch the resolver records the prior view of everything it touches,
 * so the caller gets the exact before/after of quotes, bookings and clusters (rollup deltas, writes).
 */
export class Resolver {
  private readonly quotes = new Map<string, NormalisedQuote>();
  private readonly bookings = new Map<string, NormalisedBooking>();
  /** Version marks of live and deleted records, one map per kind. */
  private readonly marks = { quote: new Map<string, VersionMark>(), booking: new Map<string, VersionMark>() };
  private readonly quoteBlocks = new SlotIndex();
  private readonly bookingBlocks = new SlotIndex();
  private readonly quoteRefs = new MultiMap();
  private readonly bookingRefs = new MultiMap();
  private readonly edges = new Map<string, Set<string>>();
  private readonly clusterOf = new Map<string, Cluster>();
  private readonly matchOf = new Map<string, string>();
  private readonly matchedBy = new MultiMap();
  private readonly width: number;
  /** Scratch list of blockNeighbours. */
  private readonly candidates: string[] = [];
  private capture: Capture | undefined;

  constructor(private readonly rules: ResolutionRules) {
    this.width = blockWidthMs(rules);
  }

  /** Applies one change with CDC semantics (highest version wins, replays change nothing). */
  apply(change: TripChange): ApplyResult {
    const marks = this.marks[change.kind];
    const current = marks.get(change.id);
    const incoming: VersionMark = { version: change.version, deleted: change.record === null };
    if (!supersedes(incoming, current)) {
      return current && compareVersions(incoming.version, current.version) === 0 ? 'replay' : 'stale';
    }
    marks.set(change.id, incoming);
    if (change.kind === 'quote') this.applyQuote(change.id, change.record);
    else this.applyBooking(change.id, change.record);
    return 'applied';
  }

  /** The version mark of a record, live or deleted. */
  mark(kind: 'quote' | 'booking', id: string): VersionMark | undefined {
    return this.marks[kind].get(id);
  }

  /**
   * Drops the version mark of a deleted record (tombstone expiry): from then on any version of it
   * is new again. A live record's mark is kept.
   */
  forget(kind: 'quote' | 'booking', id: string): void {
    if (this.marks[kind].get(id)?.deleted) this.marks[kind].delete(id);
  }

  /** The live quote, when it is in memory. */
  quote(id: string): NormalisedQuote | undefined {
    return this.quotes.get(id);
  }

  /** The live booking, when it is in memory. */
  booking(id: string): NormalisedBooking | undefined {
    return this.bookings.get(id);
  }

  /** The bookings matched to a quote. */
  matchedBookings(quoteId: string): readonly string[] {
    return this.matchedBy.get(quoteId) ?? [];
  }

  /**
   * Every quote of a cluster with the bookings matched to them, then every unmatched booking: the
   * groups memory is released in (see evictGroup). Each record appears in exactly one group.
   */
  *groups(): Generator<{ quoteIds: readonly string[]; bookingIds: readonly string[] }> {
    for (const cluster of new Set(this.clusterOf.values())) {
      const quoteIds = [...cluster.members];
      yield { quoteIds, bookingIds: quoteIds.flatMap((id) => this.matchedBy.get(id) ?? []) };
    }
    for (const id of this.bookings.keys()) {
      if (!this.matchOf.has(id)) yield { quoteIds: [], bookingIds: [id] };
    }
  }

  /**
   * Forgets a group (a whole cluster and the bookings matched to it, or one unmatched booking)
   * without changing anything about it: it is still stored and can be loaded again. Only whole
   * groups may go, so that whatever stays in memory is still resolved exactly (a cluster split
   * needs all its members, a match its quote). Outside a batch only.
   */
  evictGroup(group: { quoteIds: readonly string[]; bookingIds: readonly string[] }): void {
    if (this.capture) throw new Error('evictGroup inside a batch');
    for (const id of group.bookingIds) {
      const booking = this.bookings.get(id);
      if (!booking) continue;
      const slot = this.slot(booking);
      for (const key of this.blockKeys(booking)) this.bookingBlocks.delete(key, slot, id);
      const ref = refKey(booking, booking.quoteRef);
      if (ref) this.bookingRefs.delete(ref, id);
      const matched = this.matchOf.get(id);
      if (matched !== undefined) this.matchedBy.delete(matched, id);
      this.matchOf.delete(id);
      this.bookings.delete(id);
      this.marks.booking.delete(id);
    }
    for (const id of group.quoteIds) {
      const quote = this.quotes.get(id);
      if (!quote) continue;
      const slot = this.slot(quote);
      for (const key of this.blockKeys(quote)) this.quoteBlocks.delete(key, slot, id);
      const ref = refKey(quote, quote.brokerQuoteRef);
      if (ref) this.quoteRefs.delete(ref, id);
      this.edges.delete(id);
      this.clusterOf.delete(id);
      this.quotes.delete(id);
      this.marks.quote.delete(id);
    }
  }

  beginBatch(): void {
    this.capture = { quotes: new Map(), bookings: new Map(), clusters: new Map() };
  }

  endBatch(): BatchChanges {
    const capture = this.capture;
    this.capture = undefined;
    if (!capture) throw new Error('endBatch without beginBatch');
    const quotes = new Map<string, Transition<QuoteView>>();
    const after = new Set<Cluster>();
    for (const [id, before] of capture.quotes) {
      quotes.set(id, { before, after: this.quoteView(id) });
      const cluster = this.clusterOf.get(id);
      if (cluster) after.add(cluster);
    }
    const bookings = new Map<string, Transition<BookingView>>();
    for (const [id, before] of capture.bookings) bookings.set(id, { before, after: this.bookingView(id) });
    const beforeClusters = [...capture.clusters.values()].filter((view) => view !== null);
    return {
      quotes,
      bookings,
      clusters: { before: beforeClusters, after: [...after].map((cluster) => this.view(cluster)) },
    };
  }

  quoteView(id: string): QuoteView | null {
    const quote = this.quotes.get(id);
    const cluster = this.clusterOf.get(id);
    return quote && cluster ? { quote, clusterId: this.clusterId(cluster) } : null;
  }

  bookingView(id: string): BookingView | null {
    const booking = this.bookings.get(id);
    if (!booking) return null;
    const quoteId = this.matchOf.get(id) ?? null;
    const cluster = quoteId === null ? undefined : this.clusterOf.get(quoteId);
    return { booking, quoteId, clusterId: cluster ? this.clusterId(cluster) : null };
  }

  quoteIds(): IterableIterator<string> {
    return this.quotes.keys();
  }

  bookingIds(): IterableIterator<string> {
    return this.bookings.keys();
  }

  /** Every cluster, each once. */
  clusterViews(): ClusterView[] {
    return [...new Set(this.clusterOf.values())].map((cluster) => this.view(cluster));
  }

  private applyQuote(id: string, next: NormalisedQuote | null): void {
    const previous = this.quotes.get(id);
    if (!previous && !next) return;
    const affected = new Set<string>();
    this.captureQuote(id);
    if (previous) {
      for (const booking of this.matchedBy.get(id) ?? []) affected.add(booking);
      this.removeQuote(previous);
    }
    if (next) {
      this.addQuote(next);
      for (const booking of this.bookingCandidates(next)) affected.add(booking);
    }
    for (const booking of affected) this.rematch(booking);
  }

  private applyBooking(id: string, next: NormalisedBooking | null): void {
    const previous = this.bookings.get(id);
    if (!previous && !next) return;
    this.captureBooking(id);
    const matched = this.matchOf.get(id);
    if (matched !== undefined) this.captureClusterOf(matched);
    if (previous) {
      const slot = this.slot(previous);
      for (const key of this.blockKeys(previous)) this.bookingBlocks.delete(key, slot, id);
      const ref = refKey(previous, previous.quoteRef);
      if (ref) this.bookingRefs.delete(ref, id);
      this.bookings.delete(id);
    }
    if (next) {
      this.bookings.set(id, next);
      const slot = this.slot(next);
      for (const key of this.blockKeys(next)) this.bookingBlocks.add(key, slot, id);
      const ref = refKey(next, next.quoteRef);
      if (ref) this.bookingRefs.add(ref, id);
    }
    this.rematch(id);
  }

  private addQuote(quote: NormalisedQuote): void {
    this.quotes.set(quote.id, quote);
    const neighbours = new Set<string>();
    const slot = this.slot(quote);
    const keys = this.blockKeys(quote);
    for (const other of this.blockNeighbours(this.quoteBlocks, keys, slot)) {
      const candidate = this.quotes.get(other);
      if (candidate && other !== quote.id && this.isDuplicate(quote, candidate)) neighbours.add(other);
    }
    for (const key of keys) this.quoteBlocks.add(key, slot, quote.id);
    const ref = refKey(quote, quote.brokerQuoteRef);
    if (ref) this.quoteRefs.add(ref, quote.id);
    this.edges.set(quote.id, neighbours);
    if (neighbours.size === 0) {
      // Most quotes have no duplicate: a cluster of their own, without the merge below.
      const cluster: Cluster = { members: new Set([quote.id]), id: undefined };
      this.capture?.clusters.set(cluster, null);
      this.clusterOf.set(quote.id, cluster);
      return;
    }
    const clusters = new Set<Cluster>();
    for (const other of neighbours) {
      this.edges.get(other)?.add(quote.id);
      const cluster = this.clusterOf.get(other);
      if (cluster) clusters.add(cluster);
    }
    let target: Cluster | undefined;
    for (const cluster of clusters) {
      this.captureCluster(cluster);
      if (!target || cluster.members.size > target.members.size) target = cluster;
    }
    if (!target) return;
    for (const cluster of clusters) {
      if (cluster === target) continue;
      for (const member of cluster.members) {
        target.members.add(member);
        this.clusterOf.set(member, target);
      }
    }
    target.members.add(quote.id);
    target.id = undefined;
    this.clusterOf.set(quote.id, target);
  }

  private removeQuote(quote: NormalisedQuote): void {
    this.quotes.delete(quote.id);
    const slot = this.slot(quote);
    for (const key of this.blockKeys(quote)) this.quoteBlocks.delete(key, slot, quote.id);
    const ref = refKey(quote, quote.brokerQuoteRef);
    if (ref) this.quoteRefs.delete(ref, quote.id);
    for (const other of this.edges.get(quote.id) ?? []) this.edges.get(other)?.delete(quote.id);
    this.edges.delete(quote.id);
    const cluster = this.clusterOf.get(quote.id);
    this.clusterOf.delete(quote.id);
    if (!cluster) return;
    cluster.members.delete(quote.id);
    cluster.id = undefined;
    this.split(cluster);
  }

  /** Finds the connected components left in a cluster that lost a quote; the first keeps the object. */
  private split(cluster: Cluster): void {
    const unvisited = new Set(cluster.members);
    let first = true;
    for (const start of cluster.members) {
      if (!unvisited.has(start)) continue;
      const component = new Set<string>([start]);
      unvisited.delete(start);
      const queue = [start];
      for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
        for (const other of this.edges.get(next) ?? []) {
          if (unvisited.delete(other)) {
            component.add(other);
            queue.push(other);
          }
        }
      }
      if (first) {
        first = false;
        if (component.size === cluster.members.size) return;
        continue;
      }
      const part: Cluster = { members: component, id: undefined };
      this.capture?.clusters.set(part, null);
      for (const member of component) {
        cluster.members.delete(member);
        this.clusterOf.set(member, part);
      }
    }
  }

  private rematch(bookingId: string): void {
    const booking = this.bookings.get(bookingId);
    const old = this.matchOf.get(bookingId);
    const next = booking ? this.bestQuote(booking) : undefined;
    if (old === next) return;
    this.captureBooking(bookingId);
    if (old !== undefined) {
      this.captureClusterOf(old);
      this.matchOf.delete(bookingId);
      this.matchedBy.delete(old, bookingId);
    }
    if (next !== undefined) {
      this.captureClusterOf(next);
      this.matchOf.set(bookingId, next);
      this.matchedBy.add(next, bookingId);
    }
  }

  /** Rule 1 (quoteRef = brokerQuoteRef, same source), else rule 2 (same customer and trip). */
  private bestQuote(booking: NormalisedBooking): string | undefined {
    const ref = refKey(booking, booking.quoteRef);
    const byRef = ref ? this.quoteRefs.get(ref) : undefined;
    if (byRef && byRef.length > 0) return this.preferred(booking, byRef);
    const candidates = new Set<string>();
    for (const id of this.blockNeighbours(this.quoteBlocks, this.blockKeys(booking), this.slot(booking))) {
      const quote = this.quotes.get(id);
      if (quote && this.canMatch(booking, quote)) candidates.add(id);
    }
    return this.preferred(booking, candidates);
  }

  /** Same source first, then the same car group, then the latest quotedAt, then the smallest id. */
  private preferred(booking: NormalisedBooking, ids: Iterable<string>): string | undefined {
    let best: NormalisedQuote | undefined;
    for (const id of ids) {
      const quote = this.quotes.get(id);
      if (quote && (!best || preferenceOrder(booking, quote, best) < 0)) best = quote;
    }
    return best?.id;
  }

  private isDuplicate(a: NormalisedQuote, b: NormalisedQuote): boolean {
    return isDuplicatePair(a, b, this.rules);
  }

  private canMatch(booking: NormalisedBooking, quote: NormalisedQuote): boolean {
    const { rules } = this;
    return (
      sameStations(booking, quote) &&
      sameCustomer(booking, quote) &&
      Math.abs(booking.pickupAt - quote.pickupAt) <= rules.matchPickupToleranceMs &&
      Math.abs(booking.dropoffAt - quote.dropoffAt) <= rules.matchDropoffToleranceMs &&
      quote.quotedAt <= booking.bookedAt &&
      booking.bookedAt <= quote.quotedAt + rules.matchBookedWithinMs
    );
  }

  /** Bookings whose match a quote with these fields could win. */
  bookingCandidates(quote: NormalisedQuote): Set<string> {
    const result = new Set<string>(
      this.blockNeighbours(this.bookingBlocks, this.blockKeys(quote), this.slot(quote)),
    );
    const ref = refKey(quote, quote.brokerQuoteRef);
    for (const id of (ref ? this.bookingRefs.get(ref) : undefined) ?? []) result.add(id);
    return result;
  }

  /**
   * The ids an index holds under these block keys in the slot and its neighbours, in one scratch
   * list reused by every lookup: read it before the next lookup (none of the callers nests them).
   */
  private blockNeighbours(index: SlotIndex, keys: readonly string[], slot: number): readonly string[] {
    const found = this.candidates;
    found.length = 0;
    for (const key of keys) index.collectNeighbours(key, slot, found);
    return found;
  }

  /** Block keys: stations and one customer key; candidates lie in the same or a neighbouring slot. */
  private blockKeys(trip: TripFields): readonly string[] {
    const prefix = `${trip.pickupStation}|${trip.dropoffStation}|`;
    return customerKeys(trip).map((key) => prefix + key);
  }

  private slot(trip: TripFields): number {
    return Math.floor(trip.pickupAt / this.width);
  }

  private clusterId(cluster: Cluster): string {
    if (cluster.id !== undefined) return cluster.id;
    let first: NormalisedQuote | undefined;
    for (const id of cluster.members) {
      const quote = this.quotes.get(id);
      if (quote && (!first || earlier(quote, first))) first = quote;
    }
    cluster.id = first?.id ?? '';
    return cluster.id;
  }

  private view(cluster: Cluster): ClusterView {
    const quoteIds = [...cluster.members].sort(compareIds);
    const bookingIds: string[] = [];
    let convertedAt: number | null = null;
    for (const quoteId of quoteIds) {
      for (const bookingId of this.matchedBy.get(quoteId) ?? []) {
        bookingIds.push(bookingId);
        const booking = this.bookings.get(bookingId);
        if (booking?.status === 'confirmed' && (convertedAt === null || booking.bookedAt < convertedAt)) {
          convertedAt = booking.bookedAt;
        }
      }
    }
    const id = this.clusterId(cluster);
    const first = this.quotes.get(id);
    if (!first) throw new Error(`cluster ${id} has no quotes`);
    return { id, quoteIds, first, bookingIds: bookingIds.sort(compareIds), convertedAt };
  }

  private captureQuote(id: string): void {
    const capture = this.capture;
    if (!capture || capture.quotes.has(id)) return;
    const cluster = this.clusterOf.get(id);
    if (cluster) this.captureCluster(cluster);
    else capture.quotes.set(id, null);
  }

  private captureClusterOf(quoteId: string): void {
    const cluster = this.clusterOf.get(quoteId);
    if (cluster) this.captureCluster(cluster);
  }

  private captureCluster(cluster: Cluster): void {
    const capture = this.capture;
    if (!capture || capture.clusters.has(cluster)) return;
    capture.clusters.set(cluster, this.view(cluster));
    for (const member of cluster.members) {
      if (!capture.quotes.has(member)) capture.quotes.set(member, this.quoteView(member));
      for (const booking of this.matchedBy.get(member) ?? []) this.captureBooking(booking);
    }
  }

  private captureBooking(id: string): void {
    const capture = this.capture;
    if (!capture || capture.bookings.has(id)) return;
    capture.bookings.set(id, this.bookingView(id));
  }
}

function refKey(trip: TripFields, ref: string | null): string | undefined {
  return ref === null ? undefined : `${trip.source}|${ref}|${trip.pickupStation}|${trip.dropoffStation}`;
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Earliest quotedAt, then the smallest id: the order that names a cluster. */
export function earlier(a: NormalisedQuote, b: NormalisedQuote): boolean {
  return a.quotedAt !== b.quotedAt ? a.quotedAt < b.quotedAt : a.id < b.id;
}

/** Negative when quote a is the better match for the booking. */
function preferenceOrder(booking: NormalisedBooking, a: NormalisedQuote, b: NormalisedQuote): number {
  const source = Number(b.source === booking.source) - Number(a.source === booking.source);
  if (source !== 0) return source;
  const carGroup = Number(b.carGroup === booking.carGroup) - Number(a.carGroup === booking.carGroup);
  if (carGroup !== 0) return carGroup;
  if (a.quotedAt !== b.quotedAt) return b.quotedAt - a.quotedAt;
  return compareIds(a.id, b.id);
}
