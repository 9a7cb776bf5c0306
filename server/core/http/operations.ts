import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import { requestIdFrom, runWithRequestId } from '../request-context';
import { describeRoutes, type RouteDoc } from './openapi';

/*
 * What operators point their tools at: a liveness and a readiness probe, Prometheus metrics, and
 * the access log with a request id that every log line of the request carries.
 */

/** One dependency readiness waits for: `off` when this deployment does not use it; throws or answers `down` when it fails. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<'ok' | 'off' | 'down'>;
}

const CHECK_TIMEOUT_MS = 2_000;
const PROBE_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

export const operationsDocs: RouteDoc[] = describeRoutes('operations', 'none', [
  ['GET /health/live', 'Liveness: 200 while the process answers at all'],
  ['GET /health/ready', 'Readiness: 200 when the database, Redis (if configured), the job queue and the mail watcher answer; 503 naming what does not'],
  [
    'GET /metrics',
    'Prometheus metrics (text exposition format)',
    {
      auth: 'metrics',
      description: 'With METRICS_TOKEN set, a bearer token equal to it; without, only clients on this machine.',
      response: { type: 'text/plain' },
    },
  ],
]);

/**
 * Request id (a sane incoming X-Request-Id, else a new one), echoed and carried into every log line;
 * then one access line when the response is done. Written by hand rather than with pino-http: its
 * per-request child logger and serializers were a measurable share of a call's CPU on the webhooks
 * the screen pop walks (issue 13), and the line is the same request line either way.
 */
export function requestLog(logger: Logger): RequestHandler[] {
  return [
    (req, res, next) => {
      const id = requestIdFrom(req.headers['x-request-id']);
      res.setHeader('X-Request-Id', id);
      const url = req.url;
      // Probes and scrapes every few seconds would drown the log.
      if (!PROBE_PATHS.has(url.split('?', 1)[0])) {
        const started = performance.now();
        res.once('close', () => {
          // The request line only: headers carry tokens and cookies, bodies carry citizens' words.
          const line = {
            req: { id, method: req.method, url: withoutQueryValues(url) },
            res: { statusCode: res.statusCode },
            responseTime: Math.round(performance.now() - started),
          };
          if (!res.writableFinished) logger.warn(line, 'request aborted');
          else if (res.statusCode >= 500) logger.error(line, 'request errored');
          else logger.info(line, 'request completed');
        });
      }
      runWithRequestId(id, next);
    },
  ];
}

/** The path and the query's names only: values are phone numbers, e-mail addresses, names (URL-encoded, past the log's masking). */
export function withoutQueryValues(url: string): string {
  const [path, query] = url.split('?', 2);
  if (query === undefined) return path;
  const names = query
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0].slice(0, 64)}=…`);
  return `${path}?${names.join('&')}`;
}

/** Route patterns from the description, so latency is labelled by route and never by a raw path (unbounded labels). */
function routeMatcher(routes: RouteDoc[]): (method: string, path: string) => string {
  const compiled = routes.map((r) => ({
    method: r.method,
    path: r.path,
    re: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, '[^/]+')}/?$`),
  }));
  // Remembered per method and path: the webhooks a call walks are a handful of fixed paths, and a
  // scan of every route's pattern on each of them cost the screen pop measurable CPU. Bounded, since
  // paths with ids are unbounded.
  const seen = new Map<string, string>();
  return (method, path) => {
    const key = `${method} ${path}`;
    let route = seen.get(key);
    if (route === undefined) {
      route = compiled.find((c) => (c.method === method || (method === 'HEAD' && c.method === 'GET')) && c.re.test(path))?.path ?? 'unmatched';
      if (seen.size >= 10_000) seen.clear();
      seen.set(key, route);
    }
    return route;
  };
}

/** Times every request by route; counts provider webhooks by channel and status. */
export function httpMetrics(metrics: Metrics, routes: RouteDoc[]): RequestHandler {
  const routeOf = routeMatcher(routes);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const path = req.originalUrl.split('?')[0];
      const route = routeOf(req.method, path);
      const status = String(res.statusCode);
      metrics.httpDuration.observe({ method: req.method, route, status }, Number(process.hrtime.bigint() - started) / 1e9);
      const hook = /^\/webhooks\/[a-z]+\/([a-z]+)/.exec(path);
      if (hook && route !== 'unmatched') metrics.webhooks.inc({ channel: hook[1] === 'voice' ? 'phone' : hook[1], status });
    });
    next();
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function operationsRoutes(deps: { checks: ReadinessCheck[]; isDraining: () => boolean; metrics: Metrics; metricsToken?: string }): Router {
  const r = Router();
  r.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  r.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      deps.checks.map(async (c) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), CHECK_TIMEOUT_MS)));
        const state = await Promise.race([c.check().catch(() => 'down' as const), timeout]);
        clearTimeout(timer);
        return [c.name, state] as const;
      }),
    );
    const draining = deps.isDraining();
    const ready = !draining && results.every(([, s]) => s !== 'down');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : draining ? 'draining' : 'unavailable', checks: Object.fromEntries(results) });
  });

  const token = deps.metricsToken ? Buffer.from(`Bearer ${deps.metricsToken}`) : null;
  r.get('/metrics', async (req, res) => {
    // The socket's own address, not req.ip: a forwarded header must never make a remote scraper local.
    if (token) {
      const given = Buffer.from(req.get('authorization') ?? '');
      if (given.length !== token.length || !timingSafeEqual(given, token))
        return void res.status(401).json({ error: { code: 'unauthenticated', message: 'Metrics need the METRICS_TOKEN bearer token' } });
    } else if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      return void res.status(403).json({ error: { code: 'forbidden', message: 'Metrics answer only this machine unless METRICS_TOKEN is set' } });
    }
    res
      .set('Content-Type', deps.metrics.registry.contentType)
      .set('Cache-Control', 'no-store')
      .send(await deps.metrics.registry.metrics());
  });
  return r;
}
