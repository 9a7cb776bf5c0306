/**
 * Counts submissions per key (the client's IP) in a fixed window. In memory, so per process: with
 * several processes each allows the limit, which still bounds abuse by the process count.
 *
 * The map is kept in order of window start (a key whose window restarts is moved to the end), so
 * expired windows are always at the front: each hit drops them from there and stops at the first
 * live one, which costs nothing per request on average instead of a scan of every key. The map
 * also holds at most `maxKeys` keys; past that the oldest window is forgotten. That gives one key a
 * fresh window early, which is better than refusing every new client while the map is full.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly opts: { max: number; windowMs: number; clock?: () => number; maxKeys?: number }) {}

  /** Keys currently counted; bounded by maxKeys. */
  get size(): number {
    return this.windows.size;
  }

  /** Counts one attempt; tells whether it is within the limit and, if not, when to try again. */
  hit(key: string): { ok: true } | { ok: false; retryAfterSec: number } {
    const now = (this.opts.clock ?? Date.now)();
    this.dropExpired(now);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.opts.windowMs) {
      this.windows.delete(key);
      const maxKeys = this.opts.maxKeys ?? 50_000;
      if (this.windows.size >= maxKeys)
        for (const oldest of this.windows.keys()) {
          if (this.windows.size < maxKeys) break;
          this.windows.delete(oldest);
        }
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.opts.max) return { ok: true };
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((w.start + this.opts.windowMs - now) / 1000)) };
  }

  private dropExpired(now: number) {
    for (const [k, w] of this.windows) {
      if (now - w.start < this.opts.windowMs) break;
      this.windows.delete(k);
    }
  }
}
