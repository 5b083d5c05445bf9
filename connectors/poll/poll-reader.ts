import type { Knex } from 'knex';
import type { SourceConfig } from '../../lib/config/schema.js';
import { mappedTables } from '../mapping/table-mapping.js';
import type { RecordSink } from '../record-sink.js';
import type { SourceReader } from '../source-runner.js';
import { abortableSleep } from '../source-runner.js';
import type { SourceStatus } from '../source-status.js';
import { PollTable } from './poll-table.js';

/** Poll mode for a source: each mapped table in turn, every `pollIntervalMs`. */
export class PollReader implements SourceReader {
  private readonly tables: PollTable[];

  constructor(
    private readonly source: SourceConfig,
    sink: RecordSink,
    private readonly clock: () => number = Date.now,
  ) {
    this.tables = mappedTables(source).map((table) => new PollTable({ source, table, sink }));
  }

  async run(db: Knex, signal: AbortSignal, status: SourceStatus): Promise<void> {
    while (!signal.aborted) {
      const started = this.clock();
      let rows = 0;
      for (const table of this.tables) {
        const result = await table.pollOnce(db, signal);
        rows += result.records + result.dlq;
        status.dlqTotal += result.dlq;
      }
      this.report(status, rows, this.clock() - started);
      await abortableSleep(this.source.pollIntervalMs, signal);
    }
  }

  private report(status: SourceStatus, rows: number, elapsedMs: number): void {
    status.rowsTotal += rows;
    if (rows > 0) status.rowsPerSecond = Math.round((rows * 1000) / Math.max(1, elapsedMs));
    else status.rowsPerSecond = 0;
    status.phase = this.tables.every((t) => t.phase === 'streaming') ? 'streaming' : 'snapshot';
    for (const table of this.tables) status.offsets[table.name] = table.position;
    // Every table is caught up at the end of a cycle: the view is as old as the cycle took.
    status.lagSeconds = elapsedMs / 1000;
    status.updatedAt = new Date(this.clock()).toISOString();
  }
}
