import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { CollectorConfig } from '../lib/config/schema.js';
import type { RequestFacts } from './events/build-event.js';
import type { CollectorMetrics } from './collector-metrics.js';
import type { WriteKeys } from './http/write-keys.js';
import type { DurableSink } from './sink/durable-sink.js';
import type { RejectedEvents } from './sink/rejected-events.js';

/** What every route handler is given. */
export interface HandlerContext {
  config: CollectorConfig;
  sink: DurableSink;
  /** Invalid events of requests whose other events were accepted: to qf.dlq, counted. */
  rejected: RejectedEvents;
  writeKeys: WriteKeys;
  metrics: CollectorMetrics;
  logger: Logger;
  /** The server's facts about a request (receivedAt, client IP, parsed user agent) for a project. */
  facts: (req: IncomingMessage, project: string) => RequestFacts;
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HandlerContext,
  params: { url: URL; pathParam?: string },
) => Promise<void>;
