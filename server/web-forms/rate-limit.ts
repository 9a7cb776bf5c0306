/**
 * Counts submissions per key (the client's IP) in a fixed window. In memory, so per process: with
 * several processes each allows the limit, which still bounds abuse by the process count.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly opts: { max: number; windowMs: number; clock?: () => number }) {}

  /** Counts one attempt; tells whether it is within the limit and, if not, when to try again. */
  hit(key: string): { ok: true } | { ok: false; retryAfterSec: number } {
    const now = (this.opts.clock ?? Date.now)();
    if (this.windows.size > 10_000) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.opts.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.opts.max) return { ok: true };
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((w.start + this.opts.windowMs - now) / 1000)) };
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (now - w.start >= this.opts.windowMs) this.windows.delete(k);
  }
}
