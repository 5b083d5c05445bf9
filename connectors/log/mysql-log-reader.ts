import { binlogServerId } from '../../lib/config/replication-identity.js';
import type { AnyBinlogEvent, BinlogEventByTypeName, BinlogEventTypeName } from '@vlasky/zongji';
import ZongJi from '@vlasky/zongji';
import type { Knex } from 'knex';
import type { SourceConfig } from '../../lib/config/schema.js';
import type { Logger } from '../../lib/logger.js';
import type { MapOutcome, SourceRow } from '../mapping/row-mapper.js';
import { mapRow, rowStationKey } from '../mapping/row-mapper.js';
import type { MappedTable } from '../mapping/table-mapping.js';
import { mappedTables } from '../mapping/table-mapping.js';
import type { RecordSink } from '../record-sink.js';
import type { SourceReader } from '../source-runner.js';
import type { SourceStatus } from '../source-status.js';
import type { BinlogPosition } from './binlog-position.js';
import { binlogVersion, formatBinlogPosition, parseBinlogPosition } from './binlog-position.js';
import type { LogOffset } from './log-offset.js';
import { LOG_OFFSET_KEY, isLogOffset, streamingOffset } from './log-offset.js';
import { snapshotThenStreamFrom } from './table-snapshot.js';
import { DeliveryChain, recordDelivery } from './delivery-chain.js';

/**
 * How long committed changes may wait for more before they are sent as one Kafka batch, when no
 * batch is being delivered; while one is, they wait for it to be done (growing up to batchSize).
 */
const FLUSH_DELAY_MS = 20;
/** Batches queued for Kafka before the binlog connection is paused (backpressure). */
const MAX_QUEUED_BATCHES = 3;

/** mysql2's Connection pauses and resumes its socket; zongji reads the binlog through one. */
interface Pausable {
  pause?: () => void;
  resume?: () => void;
}

function is<N extends BinlogEventTypeName>(
  event: AnyBinlogEvent,
  name: N,
): event is BinlogEventByTypeName<N> {
  return event.getTypeName() === name;
}

function splitName(table: string, database: string): { schema: string; name: string } {
  const dot = table.indexOf('.');
  return dot < 0
    ? { schema: database, name: table }
    : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}

async function currentPosition(db: Knex): Promise<BinlogPosition> {
  const [rows] = (await db.raw('show master status')) as [{ File?: string; Position?: number | string }[]];
  const row = rows[0];
  if (!row?.File || row.Position === undefined) {
    throw new Error('the binary log is off (log_bin) or this user lacks REPLICATION CLIENT');
  }
  return { file: row.File, position: Number(row.Position) };
}

/**
 * The server the binlog position belongs to, after checking it logs what log mode needs: whole
 * rows (ROW format, FULL image), since updates are mapped from the new row and moves and deletes
 * are keyed by the old one.
 */
async function serverIdentity(db: Knex): Promise<string> {
  const [rows] = (await db.raw(
    'select @@server_id as id, @@binlog_format as format, @@binlog_row_image as image',
  )) as [{ id: number; format: string; image: string }[]];
  const row = rows[0];
  if (row?.format.toUpperCase() !== 'ROW') {
    throw new Error(`binlog_format is ${row?.format ?? 'unknown'}; log mode needs ROW`);
  }
  if (row.image.toUpperCase() !== 'FULL') {
    throw new Error(`binlog_row_image is ${row.image}; log mode needs FULL`);
  }
  return `binlog:${row.id}`;
}

/**
 * Log mode for MySQL and MariaDB: the row binlog, read as a replica would (REPLICATION SLAVE and
 * REPLICATION CLIENT privileges; binlog_format=ROW, binlog_row_image=FULL so deletes carry the
 * stations). The position is taken before the snapshot is read, and streaming starts there, so
 * nothing falls between the two. Each row change is versioned by its place in the log; the
 * position after a transaction's commit is the offset, committed only once Kafka acknowledged it.
 */
export class MysqlLogReader implements SourceReader {
  private readonly tables: MappedTable[];

  constructor(
    private readonly source: SourceConfig,
    private readonly sink: RecordSink,
    private readonly logger: Logger,
  ) {
    this.tables = mappedTables(source);
  }

  async run(db: Knex, signal: AbortSignal, status: SourceStatus): Promise<void> {
    const stream = await serverIdentity(db);
    const committed = this.sink.committedOffset(LOG_OFFSET_KEY);
    let offset: LogOffset;
    if (isLogOffset(committed) && committed.stream === stream) {
      offset = committed;
    } else {
      if (isLogOffset(committed))
        this.logger.warn({ stream }, 'another server than before: taking a new snapshot');
      const start = await currentPosition(db);
      offset = {
        mode: 'log',
        phase: 'snapshot',
        stream,
        position: formatBinlogPosition(start),
        snapshot: null,
      };
    }
    const from = await snapshotThenStreamFrom(offset, {
      source: this.source,
      tables: this.tables,
      sink: this.sink,
      db,
      version: binlogVersion(parseBinlogPosition(offset.position), -1),
      signal,
      status,
    });
    if (from === null) return;
    await new BinlogStream(this.source, this.sink, this.tables, status).run(from, signal);
  }
}

class BinlogStream {
  private file = '';
  private transaction: MapOutcome[] = [];
  private pending: MapOutcome[] = [];
  private pendingPosition: BinlogPosition | null = null;
  private pendingCommitMs = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastOffsetCommitAt = Date.now();
  private binlog: Pausable | null = null;
  private paused = false;
  private stopping = false;
  private readonly deliveries = new DeliveryChain((waiting) => {
    if (this.paused && waiting < MAX_QUEUED_BATCHES) {
      this.paused = false;
      this.binlog?.resume?.();
    }
    // Group commit: what committed while a batch was being delivered goes out as one batch once
    // it is done, not as a queue of 20 ms slices each paying its own Kafka round trips (records,
    // then offset). Under load that queue, not the CPU, bounded the rows per second.
    if (waiting === 0 && !this.stopping && this.pending.length > 0 && this.flushTimer === undefined)
      void this.flush();
  });

  constructor(
    private readonly source: SourceConfig,
    private readonly sink: RecordSink,
    private readonly tables: readonly MappedTable[],
    private readonly status: SourceStatus,
  ) {}

  async run(offset: LogOffset, signal: AbortSignal): Promise<void> {
    const start = parseBinlogPosition(offset.position);
    this.file = start.file;
    const { connection } = this.source;
    const zongji = new ZongJi({
      host: connection.host,
      port: connection.port ?? 3306,
      user: connection.user,
      password: connection.password,
      database: connection.database,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    const stopped = new Promise<void>((resolve) => {
      signal.addEventListener(
        'abort',
        () => {
          this.stopping = true;
          resolve();
        },
        { once: true },
      );
    });
    zongji.on('error', (error: unknown) => {
      this.deliveries.fail(error);
    });
    zongji.on('binlog', (event: AnyBinlogEvent) => {
      try {
        this.onEvent(event);
      } catch (error) {
        this.deliveries.fail(error);
      }
    });
    const includeSchema: Record<string, string[]> = {};
    for (const table of this.tables) {
      const { schema, name } = splitName(table.mapping.table, connection.database);
      (includeSchema[schema] ??= []).push(name);
    }
    zongji.once('ready', () => {
      this.binlog = zongji.connection;
    });
    zongji.start({
      serverId: binlogServerId(this.source),
      filename: start.file,
      position: start.position,
      includeEvents: ['rotate', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query'],
      includeSchema,
    });
    try {
      await Promise.race([this.deliveries.failed, stopped]);
    } finally {
      clearTimeout(this.flushTimer);
      await this.deliveries.settled();
      zongji.stop();
    }
  }

  private tableOf(schema: string, name: string): MappedTable | undefined {
    return this.tables.find((t) => {
      const split = splitName(t.mapping.table, this.source.connection.database);
      return split.schema === schema && split.name === name;
    });
  }

  private map(table: MappedTable, row: SourceRow, version: number, deleted: boolean): MapOutcome {
    return mapRow({ source: this.source.name, timezone: this.source.timezone, table, row, version, deleted });
  }

  private onEvent(event: AnyBinlogEvent): void {
    if (is(event, 'Rotate')) {
      this.file = event.binlogName;
      return;
    }
    const eventStart = event.nextPosition - event.size;
    const at = (index: number) => binlogVersion({ file: this.file, position: eventStart }, index);
    if (is(event, 'WriteRows') || is(event, 'DeleteRows') || is(event, 'UpdateRows')) {
      const entry = event.tableMap[event.tableId];
      const table = entry ? this.tableOf(entry.parentSchema, entry.tableName) : undefined;
      if (!table) return;
      if (is(event, 'UpdateRows')) {
        event.rows.forEach((row, index) => {
          const outcome = this.map(table, row.after, at(index), false);
          // The before image tells where the previous version was sent (a move of stations).
          if (outcome.type === 'record') outcome.previousStationKey = rowStationKey(row.before, table);
          this.transaction.push(outcome);
        });
      } else {
        const deleted = is(event, 'DeleteRows');
        event.rows.forEach((row, index) => this.transaction.push(this.map(table, row, at(index), deleted)));
      }
      return;
    }
    const commits = is(event, 'Xid') || (is(event, 'Query') && event.query.trim().toUpperCase() === 'COMMIT');
    if (!commits) return;
    this.pending.push(...this.transaction);
    this.transaction = [];
    this.pendingPosition = { file: this.file, position: event.nextPosition };
    this.pendingCommitMs = event.timestamp;
    const quietFor = Date.now() - this.lastOffsetCommitAt;
    if (this.pending.length >= this.source.batchSize) {
      void this.flush();
      if (this.deliveries.waiting >= MAX_QUEUED_BATCHES && !this.paused && this.binlog?.pause) {
        this.binlog.pause();
        this.paused = true;
      }
    } else if (this.pending.length > 0 || quietFor >= this.source.heartbeatIntervalMs) {
      // Other tables' commits move the offset too, now and then, so a restart need not re-read them.
      this.flushTimer ??= setTimeout(() => {
        this.flushPartial();
      }, FLUSH_DELAY_MS);
    }
  }

  /** The timer's partial batch goes now if nothing is being delivered, else once that is done. */
  private flushPartial(): void {
    this.flushTimer = undefined;
    if (this.deliveries.waiting === 0) void this.flush();
  }

  /** Queues what whole transactions produced (DeliveryChain): sent to Kafka, then the offset committed. */
  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const outcomes = this.pending;
    const position = this.pendingPosition;
    const committedAtMs = this.pendingCommitMs;
    this.pending = [];
    this.pendingPosition = null;
    if (position === null) return this.deliveries.settled();
    return this.deliveries.enqueue(async () => {
      const offset = streamingOffset(
        (this.status.offsets[LOG_OFFSET_KEY] as LogOffset | undefined)?.stream ?? '',
        formatBinlogPosition(position),
      );
      const startedAt = Date.now();
      const delivered = await this.sink.deliver(outcomes, LOG_OFFSET_KEY, offset);
      this.lastOffsetCommitAt = Date.now();
      recordDelivery(this.status, {
        offset,
        rows: outcomes.length,
        dlq: delivered.dlq,
        startedAt,
        committedAtMs,
      });
    });
  }
}
