import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { TrustProxy } from '../config';
import type { Authenticator } from '../access';
import type { Database } from '../db/database';
import type { Feature } from '../feature';
import { requireAuth } from './require-auth';
import { errorHandler, notFoundHandler } from './errors';
import { apiReferenceDocs, apiReferenceRoutes } from './api-reference';
import { describeRoutes, type RouteDoc } from './openapi';
import { httpMetrics, operationsDocs, operationsRoutes, requestLog, type ReadinessCheck } from './operations';
import type { Metrics } from '../metrics';

export interface AppDeps {
  db: Database;
  logger: Logger;
  authenticator: Authenticator;
  /** Every feature's routes, mounted here by kind, in the order given. */
  features: Feature[];
  /** The console's files, served at `/` after everything else. */
  console?: Router;
  isDraining?: () => boolean;
  /** Whose X-Forwarded-For to believe (TRUST_PROXY); req.ip, and so every per-address limit, rests on it. */
  trustProxy: TrustProxy;
  metrics: Metrics;
  /** What /health/ready waits for besides the database. */
  readiness?: ReadinessCheck[];
  /** METRICS_TOKEN; unset: /metrics answers loopback clients only. */
  metricsToken?: string;
}

/**
 * The HTTP app, mounted the same way for every feature: provider webhooks first (their own
 * parsers and signature checks), then the staff API under /api (JSON, bearer token, one 404),
 * then public pages, then the console. Tests build it the same way on any database.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers to the API are no-store and webhooks answer machines: an ETag (a hash of every body) serves
  // neither. The console's files keep theirs (express.static sets its own).
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);
  const described = describedRoutes(deps);
  app.use(...requestLog(deps.logger), httpMetrics(deps.metrics, described));
  // Browser security headers for everything a browser loads; provider webhooks answer machines
  // (TwiML, JSON) and skip the ~15 headers per response on the busiest path.
  const secure = helmet();
  app.use((req, res, next) => (req.path.startsWith('/webhooks/') ? next() : secure(req, res, next)));

  const channels: Feature['channels'] = Object.assign({}, ...deps.features.map((f) => f.channels ?? {})) as Feature['channels'];
  app.get('/health', async (_req, res) => {
    let database = 'ok';
    try {
      await deps.db.dataSource.query('SELECT 1');
    } catch {
      database = 'down';
    }
    const ok = database === 'ok' && !deps.isDraining?.();
    const reports = database === 'ok' ? await Promise.all(deps.features.map((f) => (f.health ? f.health().catch(() => ({})) : Promise.resolve({})))) : [];
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      database,
      dialect: deps.db.dialect,
      draining: Boolean(deps.isDraining?.()),
      channels,
      ...Object.assign({}, ...reports),
    });
  });

  const database: ReadinessCheck = { name: 'database', check: async () => (await deps.db.dataSource.query('SELECT 1'), 'ok') };
  app.use(
    operationsRoutes({
      checks: [database, ...(deps.readiness ?? [])],
      isDraining: () => Boolean(deps.isDraining?.()),
      metrics: deps.metrics,
      metricsToken: deps.metricsToken,
    }),
  );

  const routes = deps.features.map((f) => f.routes ?? {});
  for (const r of routes) if (r.webhooks) app.use(r.webhooks);

  const api = express.Router();
  // Staff answers carry citizens' data: no browser or proxy cache may keep them.
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.use(express.json({ limit: '200kb', strict: true }));
  api.use(apiReferenceRoutes(described, { title: 'Servicetorg', version: '1' }));
  for (const r of routes) if (r.apiBeforeAuth) api.use(r.apiBeforeAuth);
  api.use(requireAuth(deps.authenticator));
  for (const r of routes) if (r.api) api.use(r.api);
  api.use(notFoundHandler);
  app.use('/api', api);

  for (const r of routes) if (r.public) app.use(r.public);
  if (deps.console) app.use('/', deps.console);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/** The app's own routes, described like every feature's. */
export const appDocs: RouteDoc[] = [
  ...describeRoutes('operations', 'none', [['GET /health', 'Database, draining and channel states in one answer (200 or 503)']]),
  ...operationsDocs,
  ...apiReferenceDocs,
  ...describeRoutes('console', 'none', [['GET /', "The agents' console (static files)", { response: { type: 'text/html' } }]]),
];

/** Every route the app mounts, as the features and the app describe them. */
export function describedRoutes(deps: Pick<AppDeps, 'features'>): RouteDoc[] {
  return [...appDocs, ...deps.features.flatMap((f) => f.routes?.docs ?? [])];
}
