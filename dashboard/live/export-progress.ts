import { QueueEvents } from 'bullmq';
import type { RedisOptions } from 'bullmq';
import type { Namespace, Socket } from 'socket.io';
import { errorMessage } from '../../lib/errors.js';
import type { ExportProgress } from '../../lib/jobs/job-queues.js';
import { EXPORTS_QUEUE } from '../../lib/jobs/job-queues.js';
import type { Logger } from '../../lib/logger.js';
import type { ExportStore } from '../exports/export-store.js';

/** A user's Socket.IO room: their exports' progress goes there only. */
function ownerRoom(owner: string): string {
  return `owner:${owner}`;
}

function isProgress(data: unknown): data is ExportProgress {
  const progress = data as Partial<ExportProgress> | null;
  return typeof progress?.exportId === 'string' && typeof progress.owner === 'string';
}

/**
 * Pushes background exports' progress to their owners' browsers (namespace `/exports`): `progress`
 * `{ exportId, rows, total }` as the worker reports it, and `export` with the whole document when
 * one ends (done, with its download; or failed). The worker's job progress arrives through
 * BullMQ's queue events (a Redis stream), so every dashboard instance hears every export and
 * pushes it to the sockets of that user it holds. Events missed while Redis was away are not
 * replayed: a browser reads the current state from GET /api/v1/exports when it (re)connects.
 */
export class ExportProgressFeed {
  private readonly events: QueueEvents;

  constructor(
    private readonly options: {
      namespace: Namespace;
      exports: ExportStore;
      /** Options of a connection of its own: queue events block on Redis. */
      connection: RedisOptions;
      prefix: string;
      logger: Logger;
    },
  ) {
    this.events = new QueueEvents(EXPORTS_QUEUE, { connection: options.connection, prefix: options.prefix });
  }

  start(): void {
    const { namespace, exports, logger } = this.options;
    namespace.on('connection', (socket: Socket) => {
      const user = (socket.data as { user?: { id: string } }).user;
      if (user) void socket.join(ownerRoom(user.id));
    });
    this.events.on('progress', ({ data }) => {
      if (!isProgress(data)) return;
      namespace
        .to(ownerRoom(data.owner))
        .emit('progress', { exportId: data.exportId, rows: data.rows, total: data.total });
    });
    const ended = (jobId: string) => {
      exports.get(jobId).then(
        (doc) => {
          if (doc) namespace.to(ownerRoom(doc.owner)).emit('export', doc);
        },
        (error: unknown) => {
          logger.warn({ err: errorMessage(error) }, 'cannot read an export that ended');
        },
      );
    };
    this.events.on('completed', ({ jobId }) => {
      ended(jobId);
    });
    this.events.on('failed', ({ jobId }) => {
      ended(jobId);
    });
    this.events.on('error', (error) => {
      logger.warn({ err: errorMessage(error) }, 'export progress feed error');
    });
  }

  async close(): Promise<void> {
    await this.events.close();
  }
}
