import { Router } from 'express';
import r from 'rethinkdb';
import type { Logger } from '../../lib/logger.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { DlqMirror } from '../pipeline/dlq-mirror.js';
import type { HighWatermarks } from '../../lib/pipeline/processor-lag.js';
import { withProcessorLag } from '../../lib/pipeline/processor-lag.js';

/** `/api/v1/pipeline` (what every component last reported, processor partitions with their lag) and `/api/v1/dlq` (the newest qf.dlq records). */
export function pipelineRoutes({
  db,
  dlq,
  highWatermarks,
  logger,
}: {
  db: RethinkdbClient;
  logger: Logger;
  dlq: DlqMirror | undefined;
  highWatermarks: HighWatermarks | undefined;
}): Router {
  const router = Router();

  router.get('/pipeline', async (_req, res) => {
    const components = (await db.run(
      r.db(db.db).table('pipeline_status').orderBy('id').coerceTo('array'),
    )) as Record<string, unknown>[];
    res.json({
      components: highWatermarks
        ? await withProcessorLag(components, highWatermarks, (topic, error) => {
            logger.warn({ err: error, topic }, "cannot read Kafka's end offsets; processor lag unknown");
          })
        : components,
    });
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
