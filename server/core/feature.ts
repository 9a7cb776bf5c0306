import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Channel } from '../contracts/names';
import type { RouteDoc } from './http/openapi';

/** The routes a feature adds; the app mounts each kind in one place (server/core/http/app.ts). */
export interface FeatureRoutes {
  /** Provider webhooks with their own form parsers and signature checks, mounted first at the root. */
  webhooks?: Router;
  /** Staff API under /api that answers before log-in (log-in itself); JSON bodies. */
  apiBeforeAuth?: Router;
  /** Staff API under /api, behind the bearer-token check; JSON bodies. */
  api?: Router;
  /** Unauthenticated pages and endpoints: /public/..., the demo's call simulator. */
  public?: Router;
  /**
   * What each mounted route is: method, path, the zod schemas that validate it. Written next to
   * the routes; the app serves them as /api/openapi.json and /api/docs, and a test checks them.
   */
  docs?: RouteDoc[];
}

/** Work a feature runs in the background: started by the root once it listens, stopped before it closes. */
export interface BackgroundWork {
  name: string;
  /**
   * Started in every process, web ones too, because it looks after that process's own resources
   * (its disk, its requests); other work runs only where the queue does (the worker role).
   */
  everyProcess?: boolean;
  start(): Promise<unknown> | void;
  stop(): Promise<unknown> | void;
}

/**
 * Where a channel's sends go: a real provider, its local simulation (demo mode only), or nowhere,
 * because its credentials are not set; then sends fail with {@link notConfigured}'s reason.
 */
export type ChannelState = 'live' | 'simulated' | 'not_configured';

/** The error detail of a send on a channel without credentials, naming what to set. */
export function notConfigured(channel: string, variables: string[]): { errorCode: 'not_configured'; errorMessage: string } {
  return { errorCode: 'not_configured', errorMessage: `${channel} is not configured: set ${variables.join(' and ')}` };
}

/** What every feature's module.ts offers the root, beside its own services. */
export interface Feature {
  routes?: FeatureRoutes;
  background?: BackgroundWork[];
  /** The channels it carries, and whether they reach a real provider, run their local simulation, or are not configured. */
  channels?: Partial<Record<Channel, ChannelState>>;
  /**
   * What the feature adds to GET /health's answer (such as whether backups are good); it informs
   * and never turns the answer's status, which says whether this process can serve.
   */
  health?: () => Promise<Record<string, unknown>>;
}

/** A timer as background work: `run` every `everyMs`, failures logged, never overlapping itself. */
export function repeating(name: string, everyMs: number, run: () => Promise<unknown>, logger: Logger, opts: { runAtStart?: boolean } = {}): BackgroundWork {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await run();
    } catch (err) {
      logger.warn({ err, work: name }, 'background work failed');
    } finally {
      running = false;
    }
  };
  return {
    name,
    start() {
      if (opts.runAtStart) void tick();
      timer = setInterval(() => void tick(), everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
