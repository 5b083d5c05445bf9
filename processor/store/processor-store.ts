import r from 'rethinkdb';
import { QuoteflowError } from '../../lib/errors.js';
import { compareVersions } from '../../lib/records/version.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { BookingDoc, Journal, QuoteDoc, RollupWrite, TombstoneDoc } from './documents.js';
import type { Durability, Row, Table } from './reql.js';
import { chunks } from './chunks.js';
import { args, branch } from './reql.js';
import { rollupIncrement } from './rollup-increment.js';
import { RethinkdbTripReader } from './trip-reader.js';

/**
 * Documents per query. A batch's documents for one table go as several such queries at once:
 * measured on the 2-core machines, 6 inserts of 1,000 took ~8,000 documents/s where one insert
 * of 6,000 took ~4,000–5,800 and 30 of 200 one after another ~5,500–6,100 (RethinkDB works on
 * concurrent queries in parallel, on one query largely in sequence). It also keeps every
 * query's arrays far below RethinkDB's 100,000-element limit.
 */
const CHUNK = 1000;

/** The tables a journal writes to, synced together before the batch's offset is committed. */
const APPLIED_TABLES = [
  'quotes',
  'bookings',
  'clusters',
  'tombstones',
  'events',
  'visitors',
  'identities',
  'rollups',
];

export interface ProcessorStatus {
  /** `processor:<topic>:<partition>`. */
  id: string;
  component: 'processor';
  topic: string;
  partition: number;
  /** Offset of the last message written and committed. */
  lastOffset: string;
  /** Messages on the partition after `lastOffset` when the batch was fetched (Kafka's high watermark). */
  lag: number;
  /** Messages of the last batch: changed the state, unchanged (replays, older versions), to the DLQ. */
  applied: number;
  unchanged: number;
  dlq: number;
  updatedAt: string;
}

export interface ProcessorStoreOptions {
  /**
   * Durability of the journal's application. `soft` (the default) lets RethinkDB acknowledge
   * writes from memory and `syncApplied()` flushes them, one fsync per table per batch instead of
   * one per query; `hard` waits for the disk on every query (then `syncApplied` is a no-op).
   */
  applyDurability?: Durability;
}

interface WriteResult {
  errors?: number;
  first_error?: string;
}

/** Runs `write` over the items in chunks, all chunks at once. */
async function inChunks<T>(items: readonly T[], write: (part: T[]) => Promise<void>): Promise<void> {
  await Promise.all(chunks(items, CHUNK).map(write));
}

/**
 * The processor's RethinkDB adapter: loads a partition's records, writes a batch's journal and
 * applies it. Every write is idempotent — documents are upserted or deleted by id, and a rollup
 * increment is guarded by the last offset it applied for the batch's topic-partition — so a
 * journal can be applied again after a crash without counting anything twice.
 *
 * Cost per batch: the journal (one hard write), then one query per table and kind of change, all
 * in flight at once over the one connection (a journal never puts and removes the same id, so
 * their order does not matter), the rollups after them, then one `sync()` per table. Reads
 * happen only for records, to keep a newer version another partition stored.
 */
export class ProcessorStore {
  private readonly durability: Durability;
  /** What trip slots read when a change touches records they do not hold in memory. */
  readonly tripReader: RethinkdbTripReader;

  constructor(
    private readonly client: RethinkdbClient,
    options: ProcessorStoreOptions = {},
  ) {
    this.durability = options.applyDurability ?? 'soft';
    this.tripReader = new RethinkdbTripReader(client);
  }

  private table(name: string): Table {
    return r.db(this.client.db).table(name) as unknown as Table;
  }

  /** Runs a write and turns a per-document error RethinkDB reports in its result into a failure. */
  private async write(what: string, query: r.Operation<unknown>): Promise<void> {
    const result = (await this.client.run(query)) as WriteResult;
    if (result.errors) {
      throw new QuoteflowError(
        'RETHINKDB_WRITE_FAILED',
        `${what}: ${result.errors} document(s) not written: ${result.first_error ?? 'no reason given'}`,
      );
    }
  }

  /**
   * Every stored document of a partition number. Read through a cursor: RethinkDB refuses to
   * build an array of more than 100,000 elements on the server, which `coerceTo('array')` would.
   */
  async loadPartition(
    partition: number,
  ): Promise<{ quotes: QuoteDoc[]; bookings: BookingDoc[]; tombstones: TombstoneDoc[] }> {
    const [quotes, bookings, tombstones] = await Promise.all([
      this.ofPartition<QuoteDoc>('quotes', partition),
      this.ofPartition<BookingDoc>('bookings', partition),
      this.loadTombstones(partition),
    ]);
    return { quotes, bookings, tombstones };
  }

  /** A partition's tombstones (they are few: one per delete younger than the retention). */
  loadTombstones(partition: number): Promise<TombstoneDoc[]> {
    return this.ofPartition<TombstoneDoc>('tombstones', partition);
  }

  private async ofPartition<T>(table: string, partition: number): Promise<T[]> {
    const cursor = (await this.client.run(
      this.table(table).getAll(partition, { index: 'partition' }),
    )) as r.Cursor;
    return (await cursor.toArray()) as T[];
  }

  /** Whether any quote or booking of the partition is stored. */
  async hasTripRecords(partition: number): Promise<boolean> {
    const counts = await Promise.all(
      ['quotes', 'bookings'].map((name) =>
        this.client.run(this.table(name).getAll(partition, { index: 'partition' }).limit(1).count()),
      ),
    );
    return counts.some((count) => count > 0);
  }

  async storedEventIds(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks([...new Set(ids)], CHUNK)) {
      if (part.length === 0) continue;
      const docs = (await this.client.run(
        this.table('events').getAll(args(part)).pluck('id').coerceTo('array'),
      )) as { id: string }[];
      for (const doc of docs) found.add(doc.id);
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
    for (const part of chunks(ids, CHUNK)) {
      const replaces = part.map((id) =>
        table
          .get(id)
          .replace((row: Row) =>
            branch(row.ne(null).and(row('deletedAt').default(cutoff).lt(cutoff)), null, row),
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
    await this.write(
      'pipeline_status',
      this.table('pipeline_status').insert(status, { conflict: 'replace', durability: 'soft' }),
    );
  }

  /**
   * Writes the journal durably (hard): it must be on disk before any of it is applied, so that
   * whatever a crash of RethinkDB itself leaves of the soft writes that follow can be redone.
   */
  async writeJournal(journal: Journal): Promise<void> {
    await this.write(
      'processor_journal',
      this.table('processor_journal').insert(journal, { conflict: 'replace', durability: 'hard' }),
    );
  }

  /**
   * Applies a journal; safe to repeat. Call `syncApplied()` before committing its offsets.
   * The rollups go last: the dashboard's live tiles follow the rollups' changefeed, and a number
   * on a tile should never run ahead of the records an analyst finds behind it.
   */
  async applyJournal(journal: Journal): Promise<void> {
    const { partition } = journal;
    await Promise.all([
      this.putRecords('quotes', journal.quotes.put, partition),
      this.putRecords('bookings', journal.bookings.put, partition),
      this.removeOwned('quotes', journal.quotes.remove, partition),
      this.removeOwned('bookings', journal.bookings.remove, partition),
      this.put('clusters', journal.clusters.put),
      this.removeOwned('clusters', journal.clusters.remove, partition),
      this.put('tombstones', journal.tombstones.put),
      this.remove('tombstones', journal.tombstones.remove),
      this.put('events', journal.events),
      this.put('visitors', journal.visitors),
      this.put('identities', journal.identities ?? []),
    ]);
    await this.applyRollups(journal.rollups, journal.guard, journal.offset);
  }

  /**
   * Makes every soft write so far durable. Until it returns, a crash of the RethinkDB server may
   * lose some of them, which is why the Kafka offset is committed only after it: the batch is then
   * redelivered and its journal (written hard) applied again.
   */
  async syncApplied(): Promise<void> {
    if (this.durability === 'hard') return;
    await Promise.all(APPLIED_TABLES.map((name) => this.client.run(this.table(name).sync())));
  }

  private async put(table: string, docs: readonly object[]): Promise<void> {
    await inChunks(docs, (part) =>
      this.write(table, this.table(table).insert(part, { conflict: 'replace', durability: this.durability })),
    );
  }

  private async remove(table: string, ids: readonly string[]): Promise<void> {
    await inChunks(ids, (part) =>
      this.write(table, this.table(table).getAll(args(part)).delete({ durability: this.durability })),
    );
  }

  /** Deletes only what this partition owns: a record that moved to another partition stays. */
  private async removeOwned(table: string, ids: readonly string[], partition: number): Promise<void> {
    await inChunks(ids, (part) =>
      this.write(
        table,
        this.table(table).getAll(args(part)).filter({ partition }).delete({ durability: this.durability }),
      ),
    );
  }

  /**
   * Upserts records, except over a document another partition stored with a version at least as
   * new (a record whose stations changed lives on in the partition of its new key). Versions are
   * compared here rather than in ReQL because their order (integers, digit strings past 2^53,
   * timestamps) is `compareVersions`'s alone.
   */
  private async putRecords(
    table: string,
    docs: readonly (QuoteDoc | BookingDoc)[],
    partition: number,
  ): Promise<void> {
    await inChunks(docs, async (part) => {
      const stored = (await this.client.run(
        this.table(table)
          .getAll(args(part.map((doc) => doc.id)))
          .pluck('id', 'partition', 'version')
          .coerceTo('array'),
      )) as Pick<QuoteDoc, 'id' | 'partition' | 'version'>[];
      const elsewhere = new Map(
        stored.filter((doc) => doc.partition !== partition).map((doc) => [doc.id, doc.version]),
      );
      const writable = part.filter((doc) => {
        const other = elsewhere.get(doc.id);
        return other === undefined || compareVersions(other, doc.version) < 0;
      });
      if (writable.length === 0) return;
      await this.write(
        table,
        this.table(table).insert(writable, { conflict: 'replace', durability: this.durability }),
      );
    });
  }

  /** Adds the deltas, each at most once per (guard, offset): one insert whose conflict function adds. */
  private async applyRollups(rollups: readonly RollupWrite[], guard: string, offset: number): Promise<void> {
    await inChunks(rollups, (part) =>
      this.write(
        'rollups',
        this.table('rollups').insert(
          part.map((rollup) => ({
            id: rollup.id,
            ...rollup.key,
            counts: rollup.counts,
            applied: { [guard]: offset },
          })),
          { conflict: rollupIncrement(guard, offset), durability: this.durability },
        ),
      ),
    );
  }
}
