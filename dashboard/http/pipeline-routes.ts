import { Router } from 'express';
import r from 'rethinkdb';
import type { Logger } from '../../lib/logger.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { DlqMirror } from '../pipeline/dlq-mirror.js';
import { PipelineHistory } from '../pipeline/pipeline-history.js';
import type { HighWatermarks } from '../../lib/pipeline/processor-lag.js';
import { withProcessorLag } from '../../lib/pipeline/processor-lag.js';

export interface PipelineRoutesOptions {
  db: RethinkdbClient;
  logger: Logger;
  dlq: DlqMirror | undefined;
  highWatermarks?: HighWatermarks | undefined;
  /** Samples lag and rate for the cards' charts; absent: sampled only when the view asks. */
  history?: PipelineHistory | undefined;
}

/** Every pipeline_status document, processor partitions with their lag from Kafka's end offsets. */
export function pipelineReader({
  db,
  highWatermarks,
  logger,
}: Pick<PipelineRoutesOptions, 'db' | 'highWatermarks' | 'logger'>): () => Promise<
  Record<string, unknown>[]
> {
  return async () => {
    const components = (await db.run(
      r.db(db.db).table('pipeline_status').orderBy('id').coerceTo('array'),
    )) as Record<string, unknown>[];
    return highWatermarks
      ? await withProcessorLag(components, highWatermarks, (topic, error) => {
          logger.warn({ err: error, topic }, "cannot read Kafka's end offsets; processor lag unknown");
        })
      : components;
  };
}

/**
 * `/api/v1/pipeline` (what every component last reported, processor partitions with their lag),
 * `/api/v1/pipeline/health` (the same as cards with the last hour of lag and rate, and the DLQ's
 * counts) and `/api/v1/dlq` (the newest qf.dlq records).
 */
export function pipelineRoutes(options: PipelineRoutesOptions): Router {
  const { dlq } = options;
  const router = Router();
  const read = pipelineReader(options);
  const history = options.history ?? new PipelineHistory({ read });

  router.get('/pipeline', async (_req, res) => {
    res.json({ components: await read() });
  });

  router.get('/pipeline/health', async (_req, res) => {
    res.json({ cards: await history.cards(), dlq: dlq ? dlq.summary() : null });
  });

  router.get('/dlq', (req, res) => {
    const limit = Number(req.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      res.status(400).json({ error: 'bad_request', message: 'limit: must be a whole number from 1 to 1000' });
      return;
    }
    if (!dlq) {
      res.status(503).json({ error: 'unavailable', message: 'this dashboard does not read qf.dlq' });
      return;
    }
    res.json({ records: dlq.recent(limit) });
  });

  return router;
}
