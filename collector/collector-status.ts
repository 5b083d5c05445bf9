import { hostname } from 'node:os';
import r from 'rethinkdb';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import type { SpoolStats } from './spool/spool.js';

/** What the dashboard's pipeline view shows of one collector (`pipeline_status`). */
export interface CollectorStatus {
  /** `collector:<host>`, or `collector:<host>:<worker>` with several workers: one per spool. */
  id: string;
  component: 'collector';
  spoolBytes: number;
  spoolSegments: number;
  /** Events waiting in the spool for Kafka. */
  spoolRecords: number;
  /** Events Kafka refused for good, in the spool directory's dead-letter file (act on any). */
  deadLetters: number;
  /**
   * Events this process refused since it started (invalid, while their neighbours were accepted,
   * or a whole request of invalid events): each is in qf.dlq with its reason. A browser's beacon
   * never reads its answer, so this is where such losses show.
   */
  rejectedEvents: number;
  updatedAt: string;
}

/**
 * Writes the collector's spool figures to `pipeline_status` every `intervalMs`. Best effort: the
 * collector takes events without RethinkDB, so a failed write is logged (once per cause) and retried
 * at the next tick. Returns a function that stops the reporting.
 */
export function reportCollectorStatus(options: {
  db: RethinkdbClient;
  stats: () => SpoolStats & { deadLetters: number; rejectedEvents: number };
  intervalMs: number;
  logger: Logger;
  host?: string;
  /** The worker number, when the collector runs several worker processes. */
  worker?: number;
}): () => void {
  const host = options.host ?? hostname();
  const id = options.worker === undefined ? `collector:${host}` : `collector:${host}:${options.worker}`;
  let lastError = '';
  const write = async () => {
    const stats = options.stats();
    const status: CollectorStatus = {
      id,
      component: 'collector',
      spoolBytes: stats.bytes,
      spoolSegments: stats.segments,
      spoolRecords: stats.records,
      deadLetters: stats.deadLetters,
      rejectedEvents: stats.rejectedEvents,
      updatedAt: new Date().toISOString(),
    };
    try {
      await options.db.run(
        r.db(options.db.db).table('pipeline_status').insert(status, { conflict: 'replace' }),
      );
      lastError = '';
    } catch (error) {
      const message = errorMessage(error);
      if (message !== lastError) options.logger.warn({ err: error }, 'could not write collector status');
      lastError = message;
    }
  };
  void write();
  const timer = setInterval(() => void write(), options.intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
