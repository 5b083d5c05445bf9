import r from 'rethinkdb';
import { compareVersions } from '../../lib/records/version.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { Row, Table } from './reql.js';
import type { BookingDoc, Journal, QuoteDoc, RollupWrite, TombstoneDoc } from './documents.js';

const CHUNK = 200;

export interface ProcessorStatus {
  /** `processor:<topic>:<partition>`. */
  id: string;
  component: 'processor';
  topic: string;
  partition: number;
  /** Offset of the last message written and committed. */
  lastOffset: string;
  /** Messages of the last batch: changed the state, unchanged (replays, older versions), to the DLQ. */
  applied: number;
  unchanged: number;
  dlq: number;
  updatedAt: string;
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The processor's RethinkDB adapter: loads a partition's records, writes a batch's journal and
 * applies it. Every write is idempotent — documents are upserted or deleted by id, and a rollup
 * increment is guarded by the last offset it applied for the batch's topic-partition — so a
 * journal can be applied again after a crash without counting anything twice.
 */
export class ProcessorStore {
  constructor(private readonly client: RethinkdbClient) {}

  private table(name: string): Table {
    return r.db(this.client.db).table(name) as unknown as Table;
  }

  /**
   * Documents by primary key, null where absent, in one query. An array of `get`s rather than
   * `getAll`: reqlite scans the whole table for every key of a getAll, RethinkDB serves both alike.
   */
  private async getMany<T>(name: string, ids: readonly string[]): Promise<(T | null)[]> {
    const table = this.table(name);
    return (await this.client.run(
      r.expr(ids.map((id) => table.get(id))) as r.Operation<unknown>,
    )) as (T | null)[];
  }

  private async deleteMany(name: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const table = this.table(name);
    await this.client.run(
      r.expr(ids.map((id) => (table.get(id) as unknown as Table).delete())) as r.Operation<unknown>,
    );
  }

  async loadPartition(
    partition: number,
  ): Promise<{ quotes: QuoteDoc[]; bookings: BookingDoc[]; tombstones: TombstoneDoc[] }> {
    const load = async <T>(table: string): Promise<T[]> =>
      (await this.client.run(
        this.table(table).getAll(partition, { index: 'partition' }).coerceTo('array'),
      )) as T[];
    const [quotes, bookings, tombstones] = await Promise.all([
      load<QuoteDoc>('quotes'),
      load<BookingDoc>('bookings'),
      load<TombstoneDoc>('tombstones'),
    ]);
    return { quotes, bookings, tombstones };
  }

  async storedEventIds(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks([...new Set(ids)])) {
      if (part.length === 0) continue;
      for (const doc of await this.getMany<{ id: string }>('events', part)) if (doc) found.add(doc.id);
    }
    return found;
  }

  /**
   * Deletes the given tombstones if they were made before `cutoff` (ISO-8601 UTC). The check runs
   * inside each document's replace, so a tombstone a batch has just written again under the same
   * id (the record deleted once more) is kept.
   */
  async expireTombstones(ids: readonly string[], cutoff: string): Promise<void> {
    const table = this.table('tombstones');
    for (const part of chunks(ids)) {
      const replaces = part.map((id) =>
        table
          .get(id)
          .replace((row: Row) =>
            (r.branch as (test: unknown, then: unknown, otherwise: unknown) => unknown)(
              row.ne(null).and(row('deletedAt').default(cutoff).lt(cutoff)),
              null,
              row,
            ),
          ),
      );
      await this.client.run(r.expr(replaces));
    }
  }

  async readJournal(id: string): Promise<Journal | null> {
    const journal = await this.client.run(r.db(this.client.db).table('processor_journal').get<Journal>(id));
    return journal ?? null;
  }

  /** What the dashboard's pipeline view shows for one processor topic-partition (`pipeline_status`). */
  async reportStatus(status: ProcessorStatus): Promise<void> {
    await this.client.run(this.table('pipeline_status').insert(status, { conflict: 'replace' }));
  }

  async writeJournal(journal: Journal): Promise<void> {
    await this.client.run(this.table('processor_journal').insert(journal, { conflict: 'replace' }));
  }

  /** Applies a journal; safe to repeat. Rollups first would work too: each part is idempotent alone. */
  async applyJournal(journal: Journal): Promise<void> {
    const { partition } = journal;
    await this.putRecords('quotes', journal.quotes.put, partition);
    await this.putRecords('bookings', journal.bookings.put, partition);
    await this.removeOwned('quotes', journal.quotes.remove, partition);
    await this.removeOwned('bookings', journal.bookings.remove, partition);
    await this.put('clusters', journal.clusters.put);
    await this.removeOwned('clusters', journal.clusters.remove, partition);
    await this.put('tombstones', journal.tombstones.put);
    await this.remove('tombstones', journal.tombstones.remove);
    await this.put('events', journal.events);
    await this.put('visitors', journal.visitors);
    await this.applyRollups(journal.rollups, journal.guard, journal.offset);
  }

  private async put(table: string, docs: readonly object[]): Promise<void> {
    for (const part of chunks(docs)) {
      if (part.length > 0) await this.client.run(this.table(table).insert(part, { conflict: 'replace' }));
    }
  }

  private async remove(table: string, ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids)) await this.deleteMany(table, part);
  }

  /** Deletes only what this partition owns: a record that moved to another partition stays. */
  private async removeOwned(table: string, ids: readonly string[], partition: number): Promise<void> {
    for (const part of chunks(ids)) {
      const docs = await this.getMany<{ id: string; partition: number }>(table, part);
      await this.deleteMany(
        table,
        docs.filter((doc) => doc?.partition === partition).map((doc) => doc?.id ?? ''),
      );
    }
  }

  /**
   * Upserts records, except over a document another partition stored with a version at least as
   * new (a record whose stations changed lives on in the partition of its new key).
   */
  private async putRecords(
    table: string,
    docs: readonly (QuoteDoc | BookingDoc)[],
    partition: number,
  ): Promise<void> {
    for (const part of chunks(docs)) {
      if (part.length === 0) continue;
      const stored = await this.getMany<QuoteDoc | BookingDoc>(
        table,
        part.map((doc) => doc.id),
      );
      const existing = new Map(stored.flatMap((doc) => (doc ? [[doc.id, doc] as const] : [])));
      const writable = part.filter((doc) => {
        const other = existing.get(doc.id);
        return !other || other.partition === partition || compareVersions(other.version, doc.version) < 0;
      });
      if (writable.length > 0)
        await this.client.run(this.table(table).insert(writable, { conflict: 'replace' }));
    }
  }

  /**
   * Adds the deltas, each at most once per (guard, offset). Documents that do not exist yet are
   * inserted with the delta as their counts (one query for many); if another processor created one
   * in between, the insert of that one fails and the guarded update below adds the delta instead.
   * Existing documents get a guarded increment: skipped when they already applied this offset.
   */
  private async applyRollups(rollups: readonly RollupWrite[], guard: string, offset: number): Promise<void> {
    const table = this.table('rollups');
    for (const part of chunks(rollups)) {
      if (part.length === 0) continue;
      const stored = await this.getMany<{ id: string }>(
        'rollups',
        part.map((rollup) => rollup.id),
      );
      const existing = new Set(stored.flatMap((doc) => (doc ? [doc.id] : [])));
      const fresh = part.filter((rollup) => !existing.has(rollup.id));
      let retry = part.filter((rollup) => existing.has(rollup.id));
      if (fresh.length > 0) {
        const result = (await this.client.run(
          table.insert(
            fresh.map((rollup) => ({
              id: rollup.id,
              ...rollup.key,
              counts: rollup.counts,
              applied: { [guard]: offset },
            })),
            { conflict: 'error' },
          ),
        )) as { errors: number };
        if (result.errors > 0) retry = part;
      }
      if (retry.length === 0) continue;
      await this.client.run(
        table.insert(
          retry.map((rollup) => ({ id: rollup.id, ...rollup.key, counts: {}, applied: {} })),
          { conflict: 'update' },
        ),
      );
      const updates = retry.map((rollup) =>
        table.get(rollup.id).update((row: Row) =>
          (r.branch as (test: unknown, then: unknown, otherwise: unknown) => unknown)(
            row('applied')(guard).default(-1).lt(offset),
            {
              counts: Object.fromEntries(
                Object.entries(rollup.counts).map(([metric, value]) => [
                  metric,
                  row('counts')(metric).default(0).add(value),
                ]),
              ),
              applied: { [guard]: offset },
            },
            {},
          ),
        ),
      );
      await this.client.run(r.expr(updates));
    }
  }
}
