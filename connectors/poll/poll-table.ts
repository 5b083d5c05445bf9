import type { Knex } from 'knex';
import type { SourceConfig } from '../../lib/config/schema.js';
import type { MapOutcome, SourceRow } from '../mapping/row-mapper.js';
import { mapRow } from '../mapping/row-mapper.js';
import type { MappedTable } from '../mapping/table-mapping.js';
import type { RecordSink } from '../record-sink.js';
import type { Cursorable } from './poll-cursor.js';
import { cursorOrder, stepBack } from './poll-cursor.js';

/** What poll mode commits per table: the phase and the (updatedAt, key) high-water mark. */
export interface PollOffset {
  mode: 'poll';
  phase: 'snapshot' | 'streaming';
  ts: Cursorable | null;
  key: Cursorable | null;
}

export interface PollResult {
  rows: number;
  records: number;
  dlq: number;
}

export interface PollTableOptions {
  source: Pick<SourceConfig, 'name' | 'timezone' | 'batchSize' | 'pollLookbackMs'>;
  table: MappedTable;
  sink: RecordSink;
}

function isOffset(value: unknown): value is PollOffset {
  return typeof value === 'object' && value !== null && (value as { mode?: unknown }).mode === 'poll';
}

function cursorable(value: unknown): Cursorable {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Poll mode for one table: rows after the high-water mark, ordered by (updatedAt, key), in batches.
 * The first run reads the whole table that way (the snapshot, resumable from its cursor); every
 * later poll starts `pollLookbackMs` before the mark, so that a row whose transaction committed
 * after a later-stamped one is still found. Rows re-read inside that window are skipped by
 * (id, version) while the process lives; after a restart they are sent again, which downstream
 * ignores. It cannot see hard deletes: only a soft-delete column.
 */
export class PollTable {
  private offset: PollOffset;
  /** (id@version) sent recently → the order of its updatedAt, to skip rows re-read in the window. */
  private readonly sent = new Map<string, bigint>();

  constructor(private readonly options: PollTableOptions) {
    const committed = options.sink.committedOffset(options.table.mapping.table);
    this.offset = isOffset(committed) ? committed : { mode: 'poll', phase: 'snapshot', ts: null, key: null };
  }

  get phase(): PollOffset['phase'] {
    return this.offset.phase;
  }

  get name(): string {
    return this.options.table.mapping.table;
  }

  get position(): PollOffset {
    return this.offset;
  }

  /** Reads and delivers every change since the last poll; resolves once caught up or aborted. */
  async pollOnce(db: Knex, signal?: AbortSignal): Promise<PollResult> {
    const { table, source } = this.options;
    const updatedAt = table.mapping.columns.updatedAt ?? '';
    const key = table.mapping.key;
    const result: PollResult = { rows: 0, records: 0, dlq: 0 };
    let cursor: { ts: Cursorable; key: Cursorable | null } | null;
    if (this.offset.ts === null) cursor = null;
    else if (this.offset.phase === 'snapshot') cursor = { ts: this.offset.ts, key: this.offset.key };
    else cursor = { ts: stepBack(this.offset.ts, source.pollLookbackMs), key: null };

    for (;;) {
      let query = db(table.mapping.table).select('*').whereNotNull(updatedAt);
      if (cursor?.key === null) query = query.where(updatedAt, '>=', cursor.ts);
      else if (cursor) {
        const { ts, key: after } = cursor;
        query = query.where((q) => {
          void q.where(updatedAt, '>', ts).orWhere((q2) => {
            void q2.where(updatedAt, '=', ts).andWhere(key, '>', after);
          });
        });
      }
      const rows = (await query
        .orderBy([{ column: updatedAt }, { column: key }])
        .limit(source.batchSize)) as SourceRow[];
      const last = rows.at(-1);
      if (last === undefined) {
        if (this.offset.phase === 'snapshot') await this.commit({ ...this.offset, phase: 'streaming' }, []);
        break;
      }
      const outcomes: MapOutcome[] = [];
      const fresh: [string, bigint][] = [];
      for (const row of rows) {
        const outcome = mapRow({ source: source.name, timezone: source.timezone, table, row });
        const order = cursorOrder(row[updatedAt]) ?? 0n;
        const id =
          outcome.type === 'record'
            ? `${outcome.record.id}@${String(outcome.record.version)}`
            : `dlq:${outcome.dlq.key ?? ''}@${String(order)}`;
        if (this.sent.has(id)) continue;
        outcomes.push(outcome);
        fresh.push([id, order]);
      }
      const lastTs = cursorable(last[updatedAt]);
      const advances =
        this.offset.ts === null || (cursorOrder(lastTs) ?? 0n) >= (cursorOrder(this.offset.ts) ?? 0n);
      const caughtUp = rows.length < source.batchSize;
      const next: PollOffset = {
        mode: 'poll',
        phase: caughtUp ? 'streaming' : this.offset.phase,
        ts: advances ? lastTs : this.offset.ts,
        key: advances ? cursorable(last[key]) : this.offset.key,
      };
      const delivered = await this.commit(next, outcomes);
      for (const [id, order] of fresh) this.sent.set(id, order);
      result.rows += rows.length;
      result.records += delivered.records;
      result.dlq += delivered.dlq;
      if (caughtUp || signal?.aborted) break;
      cursor = { ts: lastTs, key: cursorable(last[key]) };
    }
    this.forgetBefore();
    return result;
  }

  private async commit(next: PollOffset, outcomes: MapOutcome[]) {
    if (outcomes.length === 0 && JSON.stringify(next) === JSON.stringify(this.offset)) {
      return { records: 0, messages: 0, dlq: 0 };
    }
    const delivered = await this.options.sink.deliver(outcomes, this.options.table.mapping.table, next);
    this.offset = next;
    return delivered;
  }

  /** Entries older than the look-back window can no longer be re-read. */
  private forgetBefore(): void {
    if (this.offset.ts === null) return;
    const mark = cursorOrder(stepBack(this.offset.ts, this.options.source.pollLookbackMs));
    if (mark === undefined) return;
    for (const [id, order] of this.sent) if (order < mark) this.sent.delete(id);
  }
}
