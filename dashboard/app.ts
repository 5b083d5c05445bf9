import { join } from 'node:path';
import express from 'express';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { Queue } from 'bullmq';
import type { DashboardConfig, WorkerConfig } from '../lib/config/schema.js';
import type { ExportJobData, ReportJobData } from '../lib/jobs/job-queues.js';
import { EXPORTS_QUEUE, REPORTS_QUEUE } from '../lib/jobs/job-queues.js';
import { ExportStore } from './exports/export-store.js';
import { exportsRoutes } from './http/exports-routes.js';
import { reportsRoutes } from './http/reports-routes.js';
import { ReportStore } from './reports/report-store.js';
import type { Logger } from '../lib/logger.js';
import { packageInfo } from '../lib/package-info.js';
import type { RethinkdbClient } from '../lib/rethinkdb/rethinkdb-client.js';
import type { ResolutionRules } from '../lib/resolution/rules.js';
import type { UserStore } from './auth/user-store.js';
import { AlertStore } from '../lib/alerts/alert-store.js';
import { alertsRoutes } from './http/alerts-routes.js';
import { apiRoutes } from './http/api-routes.js';
import { authenticate } from './http/authenticate.js';
import { csrfProtection, csrfTokenFor } from './http/csrf.js';
import { demandsRoutes } from './http/demands-routes.js';
import { funnelRoutes } from './http/funnel-routes.js';
import { errorHandler } from './http/error-handler.js';
import { kpiRoutes } from './http/kpi-routes.js';
import { loginRoutes } from './http/login-routes.js';
import { pipelineRoutes } from './http/pipeline-routes.js';
import { recordsRoutes } from './http/records-routes.js';
import type { DlqMirror } from './pipeline/dlq-mirror.js';
import type { PipelineHistory } from './pipeline/pipeline-history.js';
import type { HighWatermarks } from '../lib/pipeline/processor-lag.js';
import { homePage } from './pages/home-page.js';
import { FAVICON_SVG } from './pages/favicon.js';
import { STYLESHEET } from './pages/styles.js';

export interface DashboardAppOptions {
  config: DashboardConfig;
  users: UserStore;
  redis: Redis;
  logger: Logger;
  metrics: Registry;
  db: RethinkdbClient;
  /** The KPI time zone: exports show times as its wall clock. */
  zone: string;
  /** The processor's resolution rules, to explain demands. */
  rules: ResolutionRules;
  /** The newest qf.dlq records for the pipeline view; absent where the dashboard reads no Kafka. */
  dlq?: DlqMirror | undefined;
  /** Kafka's end offsets, to show each processor partition's lag; absent: no lag column. */
  highWatermarks?: HighWatermarks | undefined;
  /** Samples pipeline lag and rate for the health cards' charts (DashboardServer runs one). */
  pipelineHistory?: PipelineHistory | undefined;
  /** The session middleware (createSessionMiddleware), shared with the Socket.IO handshake. */
  session: RequestHandler;
  /** The worker's settings: its queue prefix, reports and exports (the dashboard queues their jobs). */
  worker: Pick<WorkerConfig, 'queuePrefix' | 'reports' | 'exports'>;
}

/**
 * The dashboard's Express app. Public: the sign-in page, the stylesheet and /healthz; everything
 * registered after `authenticate` needs a signed-in user or an API token.
 */
export function createDashboardApp(options: DashboardAppOptions): express.Express {
  const { config, users, redis, logger, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:'],
        },
      },
      strictTransportSecurity: config.secureCookies,
      // Not helmet's no-referrer: under it browsers send `Origin: null` on form posts, which the
      // CSRF origin check must refuse. same-origin keeps URLs from leaking to other sites all the same.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(options.session);

  app.use(csrfProtection());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/static/quoteflow.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=3600').send(STYLESHEET);
  });
  for (const path of ['/favicon.ico', '/static/favicon.svg'])
    app.get(path, (_req, res) => {
      res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON_SVG);
    });
  // The browser app, built by `npm run build:web` (esbuild) into dist/public.
  app.use('/static', express.static(join(packageInfo().root, 'dist/public'), { index: false, maxAge: '1h' }));
  app.use(
    loginRoutes({
      users,
      redis,
      logger,
      windowMinutes: config.loginRateLimit.windowMinutes,
      maxAttempts: config.loginRateLimit.maxAttempts,
    }),
  );

  app.use(authenticate(users));
  app.get('/', (req, res) => {
    if (!req.user) return;
    res.type('html').send(homePage(req.user, csrfTokenFor(req)));
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use('/api/v1', apiRoutes(users, { zone: options.zone }));
  app.use(
    '/api/v1',
    recordsRoutes({
      db: options.db,
      zone: options.zone,
      rules: options.rules,
      pageSecret: config.sessionSecret,
    }),
  );
  app.use('/api/v1', demandsRoutes({ db: options.db, zone: options.zone, rules: options.rules }));
  app.use('/api/v1', kpiRoutes({ db: options.db, zone: options.zone }));
  app.use('/api/v1', funnelRoutes({ db: options.db, zone: options.zone }));
  app.use(
    '/api/v1',
    pipelineRoutes({
      db: options.db,
      dlq: options.dlq,
      highWatermarks: options.highWatermarks,
      logger,
      history: options.pipelineHistory,
    }),
  );
  app.use('/api/v1', alertsRoutes({ alerts: new AlertStore(options.db) }));
  // Scheduled reports and background exports: jobs for the worker, on its queues in Redis.
  const prefix = options.worker.queuePrefix;
  app.use(
    '/api/v1',
    reportsRoutes({
      reports: new ReportStore(options.db),
      queue: new Queue<ReportJobData>(REPORTS_QUEUE, { connection: redis, prefix }),
      config: options.worker.reports,
      zone: options.zone,
      logger,
    }),
  );
  app.use(
    '/api/v1',
    exportsRoutes({
      exports: new ExportStore(options.db),
      queue: new Queue<ExportJobData>(EXPORTS_QUEUE, { connection: redis, prefix }),
      config: options.worker.exports,
      zone: options.zone,
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such route' });
  });
  app.use(errorHandler(logger));
  return app;
}
