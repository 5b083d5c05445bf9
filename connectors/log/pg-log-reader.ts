import type { Knex } from 'knex';
import type { Pgoutput } from 'pg-logical-replication';
import { LogicalReplicationService } from 'pg-logical-replication';
import type { SourceConfig } from '../../lib/config/schema.js';
import type { Logger } from '../../lib/logger.js';
import type { MapOutcome, SourceRow } from '../mapping/row-mapper.js';
import { mapRow } from '../mapping/row-mapper.js';
import type { MappedTable } from '../mapping/table-mapping.js';
import { mappedTables } from '../mapping/table-mapping.js';
import type { RecordSink } from '../record-sink.js';
import type { SourceReader } from '../source-runner.js';
import type { SourceStatus } from '../source-status.js';
import type { LogOffset } from './log-offset.js';
import { LOG_OFFSET_KEY, isLogOffset, streamingOffset } from './log-offset.js';
import { lsnToBigInt, lsnVersion } from './lsn.js';
import { PgoutputTextDatesPlugin } from './pg-text-dates-plugin.js';
import { HandoverCount } from './handover-count.js';
import { replicationNames } from '../../lib/config/replication-identity.js';
import { ensurePublication, ensureSlot, straySlots } from './pg-replication-setup.js';
import { snapshotThenStreamFrom } from './table-snapshot.js';
import { DeliveryChain, recordDelivery } from './delivery-chain.js';

/**
 * How long committed changes may wait for more before they are sent as one Kafka batch, when no
 * batch is being delivered; while one is, they wait for it to be done (growing up to batchSize).
 */
const FLUSH_DELAY_MS = 20;
/** Batches queued for Kafka (sent one after the other) while the next one is decoded. */
const MAX_QUEUED_BATCHES = 3;

/**
 * Log mode for Postgres: logical replication with pgoutput. The slot and publication are created
 * when missing; the slot is created before the snapshot is read, so the stream covers everything
 * after it. Each change carries its own LSN as version. Changes are sent to Kafka in batches of
 * whole transactions, and only once Kafka acknowledged them (and the offset was committed) is the
 * commit's LSN confirmed to the server. On a quiet database a heartbeat asks the server for its
 * position and confirms it, so the slot advances and WAL does not pile up.
 */
export class PgLogReader implements SourceReader {
  private readonly tables: MappedTable[];
  private readonly names: { slot: string; publication: string };

  constructor(
    private readonly source: SourceConfig,
    private readonly sink: RecordSink,
    private readonly logger: Logger,
    /** Slots of every enabled Postgres log-mode source: any other `qf_` slot is reported as stray. */
    private readonly slotsInUse: ReadonlySet<string> = new Set(),
  ) {
    this.tables = mappedTables(source);
    this.names = replicationNames(source);
  }

  /** Warns about slots nobody reads, which make the database keep WAL forever (best effort). */
  private async reportStraySlots(db: Knex): Promise<void> {
    try {
      for (const stray of await straySlots(db, new Set([...this.slotsInUse, this.names.slot]))) {
        this.logger.warn(
          {
            ...stray,
            retainedMegabytes:
              stray.retainedBytes === null ? null : Math.round(stray.retainedBytes / 2 ** 20),
          },
          `replication slot ${stray.slot} is read by no enabled source and makes the database keep WAL; ` +
            `unless another Quoteflow uses it, drop it: select pg_drop_replication_slot('${stray.slot}')`,
        );
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'could not list replication slots');
    }
  }

  async run(db: Knex, signal: AbortSignal, status: SourceStatus): Promise<void> {
    const { slot, publication } = this.names;
    await ensurePublication(
      db,
      publication,
      this.tables.map((t) => t.mapping.table),
    );
    const start = await ensureSlot(db, slot);
    await this.reportStraySlots(db);
    const committed = this.sink.committedOffset(LOG_OFFSET_KEY);
    let offset: LogOffset;
    if (isLogOffset(committed) && committed.stream === slot && !start.created) {
      offset = committed;
    } else {
      if (isLogOffset(committed)) {
        this.logger.warn({ slot }, 'replication slot was missing: taking a new snapshot');
      }
      offset = { mode: 'log', phase: 'snapshot', stream: slot, position: start.lsn, snapshot: null };
    }
    const from = await snapshotThenStreamFrom(offset, {
      source: this.source,
      tables: this.tables,
      sink: this.sink,
      db,
      // The first change after the slot's start can sit exactly at that LSN: the snapshot is older.
      version: lsnVersion(offset.position, 1n),
      signal,
      status,
    });
    if (from === null) return;
    await new PgStream(this.source, this.sink, this.tables, this.names, status).run(db, from, signal);
  }
}

/** One replication connection's life: from START_REPLICATION until it fails or is stopped. */
class PgStream {
  private transaction: MapOutcome[] | null = null;
  private pending: MapOutcome[] = [];
  private pendingLsn: string | null = null;
  private pendingCommitMicros = 0n;
  // Group commit: what committed while a batch was being delivered goes out as one batch once it
  // is done, not as a queue of 20 ms slices each paying its own two Kafka round trips (records,
  // then offset). Under load that queue, not the CPU, bounded the rows per second.
  private readonly deliveries = new DeliveryChain((waiting) => {
    if (waiting === 0 && !this.stopping && this.pendingLsn !== null && this.flushTimer === undefined)
      void this.flush();
  });
  private flushTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private lastConfirmed: string;
  private lastOffsetCommitAt = 0;
  private readonly service: LogicalReplicationService;
  private readonly handover = new HandoverCount();

  constructor(
    private readonly source: SourceConfig,
    private readonly sink: RecordSink,
    private readonly tables: readonly MappedTable[],
    private readonly names: { slot: string; publication: string },
    private readonly status: SourceStatus,
  ) {
    this.lastConfirmed = '0/0';
    const { connection } = source;
    this.service = new LogicalReplicationService(
      {
        host: connection.host,
        port: connection.port ?? 5432,
        user: connection.user,
        password: connection.password,
        database: connection.database,
      },
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
  }

  async run(_db: Knex, offset: LogOffset, signal: AbortSignal): Promise<void> {
    this.lastConfirmed = offset.position;
    const plugin = new PgoutputTextDatesPlugin(
      { protoVersion: 1, publicationNames: [this.names.publication] },
      this.handover.onReceived,
    );
    const failed = (error: unknown) => {
      this.deliveries.fail(error);
    };
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
    this.service.on('error', (error) => {
      failed(error);
    });
    this.service.on('data', (lsn: string, message: Pgoutput.Message) => {
      this.handover.onHanded();
      return this.onMessage(lsn, message).catch(failed);
    });
    this.service.on('heartbeat', (lsn: string, _timestamp: number, shouldRespond: boolean) => {
      this.onHeartbeat(lsn, shouldRespond).catch(failed);
    });
    const ping = setInterval(() => {
      // Asks the server to answer with its position; the answer (a heartbeat) may confirm it.
      void this.service.acknowledge(this.lastConfirmed, true);
    }, this.source.heartbeatIntervalMs);
    try {
      const subscription = this.service.subscribe(plugin, this.names.slot, offset.position).then(() => {
        if (!signal.aborted) throw new Error('replication stream ended');
      });
      await Promise.race([subscription, this.deliveries.failed, stopped]);
    } finally {
      clearInterval(ping);
      clearTimeout(this.flushTimer);
      await this.deliveries.settled();
      await this.service.destroy();
    }
  }

  private tableOf(relation: Pgoutput.MessageRelation): MappedTable | undefined {
    return this.tables.find(
      (t) => t.mapping.table === relation.name || t.mapping.table === `${relation.schema}.${relation.name}`,
    );
  }

  private map(table: MappedTable, row: SourceRow, lsn: string, deleted: boolean): MapOutcome {
    return mapRow({
      source: this.source.name,
      timezone: this.source.timezone,
      table,
      row,
      version: lsnVersion(lsn),
      deleted,
    });
  }

  private async onMessage(lsn: string, message: Pgoutput.Message): Promise<void> {
    switch (message.tag) {
      case 'begin':
        this.transaction = [];
        return;
      case 'insert': {
        const table = this.tableOf(message.relation);
        if (table) this.transaction?.push(this.map(table, message.new as SourceRow, lsn, false));
        return;
      }
      case 'update': {
        const table = this.tableOf(message.relation);
        if (table) this.transaction?.push(this.map(table, message.new as SourceRow, lsn, false));
        return;
      }
      case 'delete': {
        const table = this.tableOf(message.relation);
        // REPLICA IDENTITY DEFAULT sends only the key; FULL sends the whole old row.
        const row = (message.old ?? message.key ?? {}) as SourceRow;
        if (table) this.transaction?.push(this.map(table, row, lsn, true));
        return;
      }
      case 'commit': {
        this.pending.push(...(this.transaction ?? []));
        this.transaction = null;
        this.pendingLsn = message.commitEndLsn ?? message.commitLsn ?? lsn;
        this.pendingCommitMicros = message.commitTime as bigint;
        if (this.pending.length >= this.source.batchSize) {
          void this.flush();
          // Decoding goes on while batches are sent, up to a bound (then the stream waits).
          if (this.deliveries.waiting >= MAX_QUEUED_BATCHES) await this.deliveries.settled();
        } else {
          this.flushTimer ??= setTimeout(() => {
            this.flushPartial();
          }, FLUSH_DELAY_MS);
        }
        return;
      }
      default:
        return;
    }
  }

  /** The timer's partial batch goes now if nothing is being delivered, else once that is done. */
  private flushPartial(): void {
    this.flushTimer = undefined;
    if (this.deliveries.waiting === 0) void this.flush();
  }

  /**
   * Queues what whole transactions produced (DeliveryChain): sent to Kafka, then the offset
   * committed, then the LSN confirmed, one batch after the other.
   */
  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const outcomes = this.pending;
    const lsn = this.pendingLsn;
    const committedAtMs = Number(this.pendingCommitMicros / 1000n);
    this.pending = [];
    this.pendingLsn = null;
    if (lsn === null) return this.deliveries.settled();
    return this.deliveries.enqueue(async () => {
      const offset = streamingOffset(this.names.slot, lsn);
      const startedAt = Date.now();
      const delivered = await this.sink.deliver(outcomes, LOG_OFFSET_KEY, offset);
      await this.confirm(lsn);
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

  private async confirm(lsn: string): Promise<void> {
    if (lsnToBigInt(lsn) > lsnToBigInt(this.lastConfirmed)) this.lastConfirmed = lsn;
    await this.service.acknowledge(this.lastConfirmed);
  }

  /**
   * The server's keepalive. When nothing is in flight (nothing received and still queued in the
   * library, no open transaction, nothing waiting for Kafka), everything up to its position is
   * delivered, so that position is confirmed: on a quiet database the slot advances. The offset is
   * committed with it now and then, for restarts.
   */
  private async onHeartbeat(lsn: string, shouldRespond: boolean): Promise<void> {
    const idle =
      this.transaction === null &&
      this.pendingLsn === null &&
      this.flushTimer === undefined &&
      this.handover.allHanded;
    if (!idle) {
      if (shouldRespond) await this.service.acknowledge(this.lastConfirmed);
      return;
    }
    await this.deliveries.settled();
    if (this.deliveries.isBroken) return;
    if (lsnToBigInt(lsn) <= lsnToBigInt(this.lastConfirmed)) {
      if (shouldRespond) await this.service.acknowledge(this.lastConfirmed);
      return;
    }
    if (Date.now() - this.lastOffsetCommitAt >= this.source.heartbeatIntervalMs) {
      const offset = streamingOffset(this.names.slot, lsn);
      await this.sink.deliver([], LOG_OFFSET_KEY, offset);
      this.status.offsets[LOG_OFFSET_KEY] = offset;
      this.lastOffsetCommitAt = Date.now();
    }
    await this.confirm(lsn);
    this.status.lagSeconds = 0;
  }
}
