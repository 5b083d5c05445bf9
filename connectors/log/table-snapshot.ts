import type { Knex } from 'knex';
import type { SourceConfig } from '../../lib/config/schema.js';
import type { RecordVersion } from '../../lib/records/version.js';
import type { SourceRow } from '../mapping/row-mapper.js';
import { mapRow } from '../mapping/row-mapper.js';
import type { MappedTable } from '../mapping/table-mapping.js';
import type { RecordSink } from '../record-sink.js';
import type { SourceStatus } from '../source-status.js';
import type { LogOffset } from './log-offset.js';
import { LOG_OFFSET_KEY } from './log-offset.js';

export interface SnapshotOptions {
  source: Pick<SourceConfig, 'name' | 'timezone' | 'batchSize'>;
  tables: readonly MappedTable[];
  sink: RecordSink;
  db: Knex;
  /** Every snapshot row carries the version of the log position the stream starts from. */
  version: RecordVersion;
  signal: AbortSignal;
}

/**
 * Where a log reader stands before it streams: with an offset still in its snapshot phase the
 * snapshot runs (or resumes) first. Keeps the source's status (phase, offset, rows) as it goes.
 * Resolves with the offset to stream from, or null when stopped during the snapshot.
 */
export async function snapshotThenStreamFrom(
  offset: LogOffset,
  options: SnapshotOptions & { status: SourceStatus },
): Promise<LogOffset | null> {
  const { status } = options;
  status.offsets[LOG_OFFSET_KEY] = offset;
  let from = offset;
  if (from.phase === 'snapshot') {
    status.phase = 'snapshot';
    from = await runSnapshot(from, options, (rows) => {
      status.rowsTotal += rows;
    });
    status.offsets[LOG_OFFSET_KEY] = from;
    if (options.signal.aborted) return null;
  }
  status.phase = 'streaming';
  return from;
}

/**
 * The initial snapshot of log mode: each table read by key in batches, every row versioned as the
 * stream's start. Any change made after that start comes again from the stream with a higher
 * version, so a row read late (or a snapshot resumed after a restart, by table and key) can never
 * win over a newer change. Commits the progress after every batch; returns the offset reached.
 */
async function runSnapshot(
  offset: LogOffset,
  options: SnapshotOptions,
  onRows: (rows: number) => void,
): Promise<LogOffset> {
  const { source, tables, sink, db, signal } = options;
  let current = offset;
  const startAt = Math.max(
    0,
    tables.findIndex((t) => t.mapping.table === offset.snapshot?.table),
  );
  for (let index = startAt; index < tables.length; index++) {
    const table = tables[index];
    if (table === undefined) break;
    const { key } = table.mapping;
    let after = current.snapshot?.table === table.mapping.table ? current.snapshot.key : null;
    for (;;) {
      if (signal.aborted) return current;
      let query = db(table.mapping.table).select('*');
      if (after !== null) query = query.where(key, '>', after);
      const rows = (await query.orderBy(key).limit(source.batchSize)) as SourceRow[];
      const last = rows.at(-1);
      if (last === undefined) break;
      const outcomes = rows.map((row) =>
        mapRow({ source: source.name, timezone: source.timezone, table, row, version: options.version }),
      );
      after = last[key] as string | number;
      current = { ...current, snapshot: { table: table.mapping.table, key: after } };
      await sink.deliver(outcomes, LOG_OFFSET_KEY, current);
      onRows(rows.length);
      if (rows.length < source.batchSize) break;
    }
    const next = tables[index + 1];
    current = { ...current, snapshot: next ? { table: next.mapping.table, key: null } : null };
  }
  current = { ...current, phase: 'streaming', snapshot: null };
  await sink.deliver([], LOG_OFFSET_KEY, current);
  return current;
}
