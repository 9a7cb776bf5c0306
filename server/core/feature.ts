import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Channel } from '../contracts/names';

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
}

/** Work a feature runs in the background: started by the root once it listens, stopped before it closes. */
export interface BackgroundWork {
  name: string;
  start(): Promise<unknown> | void;
  stop(): Promise<unknown> | void;
}

/** What every feature's module.ts offers the root, beside its own services. */
export interface Feature {
  routes?: FeatureRoutes;
  background?: BackgroundWork[];
  /** The channels it carries, and whether they reach a real provider or run their local simulation. */
  channels?: Partial<Record<Channel, 'live' | 'simulated'>>;
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
