import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CollectorConfig } from '../lib/config/schema.js';
import { createCollectorMetrics } from './collector-metrics.js';
import type { RequestFacts } from './events/build-event.js';
import { createUserAgentParser } from './events/user-agent.js';
import type { HandlerContext } from './handler-context.js';
import { createClientIpResolver } from './http/client-ip.js';
import { CollectorServer } from './http/collector-server.js';
import { Router } from './http/router.js';
import { WriteKeys } from './http/write-keys.js';
import { handleHealthz, metricsHandler, readyzHandler } from './routes/health.js';
import { SINGLE_CALLS, handleBatch, singleCallHandler } from './routes/ingest.js';
import { linksApi } from './routes/links-api.js';
import { handlePixel } from './routes/pixel.js';
import { postbackHandler } from './routes/postback.js';
import { redirectHandler } from './routes/redirect.js';
import type { LinkCache } from './links/link-cache.js';
import type { LinkStore } from './links/link-store.js';
import { DurableSink } from './sink/durable-sink.js';
import { OrphanSpool } from './sink/orphan-spool.js';
import { KafkaRecordSender } from './sink/record-sender.js';
import type { DurableProducer } from '../lib/kafka/durable-producer.js';
import { RejectedEvents } from './sink/rejected-events.js';
import type { MetricsExposition } from './cluster/cluster-metrics.js';
import type { WorkerSlot } from './cluster/spool-layout.js';
import { assignSpools, listSpool } from './cluster/spool-layout.js';
import { DeadLetters } from './spool/dead-letters.js';
import { clearSpoolHolder, markSpoolHolder } from './spool/spool-lock.js';
import type { SpoolStats } from './spool/spool.js';
import { Spool } from './spool/spool.js';

export interface CollectorOptions {
  config: CollectorConfig;
  /** Topic of the events (kafka.topics.events.name). */
  topic: string;
  /** Topic of rejected events (kafka.topics.dlq.name); without it they are only counted and logged. */
  dlqTopic?: string;
  /** A durable producer (lib/kafka/durable-producer.ts), not yet connected. */
  producer: DurableProducer;
  registry: Registry;
  logger: Logger;
  /** Click redirects and the links API; without it /r/ and /v1/links answer 404. */
  links?: { cache: LinkCache; store: LinkStore };
  /** What GET /metrics answers (default: the registry; with workers, the sum over them). */
  exposition?: MetricsExposition;
  /** Which of the collector's worker processes this is (default: the only one). */
  worker?: WorkerSlot;
}

const MAX_USER_AGENT = 2048;

/**
 * `quoteflow collector`: the spool, the durable sink over Kafka, and the HTTP server, started and
 * stopped together. Stopping answers what is under way, sends or spools every accepted event,
 * and disconnects.
 */
export class Collector {
  private constructor(
    private readonly server: CollectorServer,
    private readonly sink: DurableSink,
    private readonly spool: Spool,
    private readonly sender: KafkaRecordSender,
    readonly address: AddressInfo,
    readonly context: HandlerContext,
    private readonly linkCache: LinkCache | undefined,
    private readonly orphans: readonly OrphanSpool[],
    private readonly deadLetters: DeadLetters,
    private readonly rejected: RejectedEvents,
  ) {}

  static async start(options: CollectorOptions): Promise<Collector> {
    const { config, logger, registry } = options;
    const worker = options.worker ?? { index: 0, count: 1 };
    const spoolDirs = assignSpools(config.spool.dir, worker, await listSpool(config.spool.dir));
    // The disk budget is the volume's: each worker gets its share.
    const spoolBudget = Math.floor(config.spool.maxBytes / worker.count);
    const spool = await Spool.open({
      dir: spoolDirs.own,
      maxBytes: spoolBudget,
      segmentBytes: config.spool.segmentBytes,
      logger: logger.child({ component: 'spool' }),
    });
    const stats = spool.stats();
    if (stats.records > 0) logger.info(stats, 'spool holds events from an earlier run; replaying them');
    const metrics = createCollectorMetrics(registry, () => spool);
    const deadLetters = await DeadLetters.open(spoolDirs.own, logger.child({ component: 'spool' }));
    // Tells `quoteflow collector replay-dead-letters` that this spool's dead-letter file is in use.
    await markSpoolHolder(spoolDirs.own);
    const deadLettered = (records: number) => {
      metrics.deadLettered.inc(records);
    };
    const sender = new KafkaRecordSender({
      producer: options.producer,
      topic: options.topic,
      logger,
      observe: (seconds) => {
        metrics.kafkaLatency.observe(seconds);
      },
    });
    void sender.connect().catch(() => undefined);
    const sink = new DurableSink({
      sender,
      spool,
      deadLetters,
      logger,
      lingerMs: config.lingerMs,
      deadlineMs: config.produceDeadlineMs,
      maxBatchRecords: config.maxProduceEvents,
      maxBatchBytes: config.maxProduceBytes,
      maxInFlight: config.maxInFlightProduces,
      observe: {
        written: (outcome, records) => {
          metrics.events.inc({ outcome, reason: '' }, records);
        },
        fallback: (reason) => {
          metrics.fallbacks.inc({ reason });
        },
        replayed: (records) => {
          metrics.replayed.inc(records);
        },
        deadLettered,
      },
    });
    sink.start();
    const orphans = await Promise.all(
      spoolDirs.orphans.map((dir) =>
        OrphanSpool.start({
          dir,
          sender,
          deadLetters,
          logger: logger.child({ component: 'spool', dir }),
          maxRecords: config.maxProduceEvents,
          maxBytes: config.maxProduceBytes,
          removeWhenDrained: dir !== config.spool.dir,
          onReplayed: (records) => {
            metrics.replayed.inc(records);
          },
          onDeadLettered: deadLettered,
        }),
      ),
    );

    const clientIp = createClientIpResolver(config.trustedProxies);
    const parseAgent = createUserAgentParser();
    const facts = (req: IncomingMessage, project: string): RequestFacts => {
      const userAgent = req.headers['user-agent']?.slice(0, MAX_USER_AGENT) ?? null;
      return {
        project,
        receivedAt: new Date().toISOString(),
        ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for']),
        userAgent,
        agent: userAgent ? parseAgent(userAgent) : null,
      };
    };
    const dlqTopic = options.dlqTopic;
    const rejected = new RejectedEvents({
      ...(dlqTopic === undefined ? {} : { send: (records) => sender.sendTo(dlqTopic, records) }),
      deadlineMs: config.produceDeadlineMs,
      logger,
      observe: (outcome, records) => {
        metrics.dlq.inc({ outcome }, records);
      },
    });
    const context: HandlerContext = {
      config,
      sink,
      rejected,
      writeKeys: new WriteKeys(config.projects),
      metrics,
      logger,
      facts,
    };
    const router = new Router();
    const postback = postbackHandler(config.partners);
    const server = new CollectorServer({ router, context, metrics, logger });
    router
      .add('/v1/batch', { name: 'batch', methods: { POST: handleBatch } })
      // analytics.js (Segment's browser SDK) posts its batches to /v1/b and single calls to /v1/t, /v1/i…
      .add('/v1/b', { name: 'batch', methods: { POST: handleBatch } });
    for (const type of SINGLE_CALLS) {
      const route = { name: type, methods: { POST: singleCallHandler(type) } };
      router.add(`/v1/${type}`, route).add(`/v1/${type.charAt(0)}`, route);
    }
    router
      .add('/v1/pixel.gif', { name: 'pixel', methods: { GET: handlePixel } })
      .add('/healthz', { name: 'healthz', methods: { GET: handleHealthz } })
      .add('/readyz', {
        name: 'readyz',
        methods: {
          GET: readyzHandler(() => ({
            closing: server.isClosing,
            // Full when not even a small batch would fit.
            spoolFull: spool.bytes + 64 * 1024 > spoolBudget,
            route: sink.route,
            stuck: [sink.stuck, ...orphans.map((orphan) => orphan.stuck)].find((e) => e !== undefined),
            deadLetters: deadLetters.count,
          })),
        },
      })
      .add('/metrics', { name: 'metrics', methods: { GET: metricsHandler(options.exposition ?? registry) } });
    router.add('/v1/postback', { name: 'postback', methods: { GET: postback, POST: postback } });
    if (options.links) {
      const api = linksApi({
        store: options.links.store,
        tokens: config.adminTokens,
        projects: config.projects.map((project) => project.name),
      });
      router
        .add('/r/:param', { name: 'redirect', methods: { GET: redirectHandler(options.links.cache) } })
        .add('/v1/links', { name: 'links', methods: api.collection })
        .add('/v1/links/:param', { name: 'link', methods: api.item });
    }
    const address = await server.listen(config.port, config.host);
    logger.info({ host: address.address, port: address.port, route: sink.route }, 'collector listening');
    return new Collector(
      server,
      sink,
      spool,
      sender,
      address,
      context,
      options.links?.cache,
      orphans,
      deadLetters,
      rejected,
    );
  }

  /** The spool's size now, the records in its dead-letter file and the events rejected since start, for the pipeline view. */
  spoolStats(): SpoolStats & { deadLetters: number; rejectedEvents: number } {
    return {
      ...this.spool.stats(),
      deadLetters: this.deadLetters.count,
      rejectedEvents: this.rejected.total,
    };
  }

  /** Stop accepting, answer what is under way, flush every accepted event to Kafka or the spool. */
  async close(): Promise<void> {
    const { logger } = this.context;
    await this.server.close();
    logger.debug('HTTP server closed');
    await this.sink.close();
    logger.debug('every accepted event is in Kafka or the spool');
    await Promise.all(this.orphans.map((orphan) => orphan.stop()));
    await this.spool.close();
    await clearSpoolHolder(dirname(this.deadLetters.path));
    await this.sender.disconnect();
    await this.linkCache?.stop();
  }
}
