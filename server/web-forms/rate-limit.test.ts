import { TIME_LIMIT_MS, timed } from '../../test/support/adversarial';
import { FixedWindowLimiter } from './rate-limit';

describe('FixedWindowLimiter', () => {
  it('allows max hits per key and window, then says when to come back', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter({ max: 2, windowMs: 60_000, clock: () => now });
    expect(limiter.hit('a')).toEqual({ ok: true });
    expect(limiter.hit('a')).toEqual({ ok: true });
    expect(limiter.hit('b')).toEqual({ ok: true });
    now = 15_000;
    expect(limiter.hit('a')).toEqual({ ok: false, retryAfterSec: 45 });
    now = 60_000;
    expect(limiter.hit('a')).toEqual({ ok: true });
  });

  it('forgets expired windows, so the map holds only live keys', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter({ max: 5, windowMs: 1000, clock: () => now });
    for (let i = 0; i < 5000; i++) limiter.hit(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(5000);
    now = 1500;
    limiter.hit('late');
    expect(limiter.size).toBe(1);
  });

  it('holds at most maxKeys keys, forgetting the oldest window first', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter({ max: 1, windowMs: 60_000, clock: () => now, maxKeys: 1000 });
    for (let i = 0; i < 100_000; i++) {
      now = i;
      limiter.hit(`k${i}`);
    }
    expect(limiter.size).toBe(1000);
    // The newest keys are still counted; the oldest were forgotten.
    expect(limiter.hit('k99999').ok).toBe(false);
    expect(limiter.hit('k0').ok).toBe(true);
  });

  it('stays fast with many live keys: no scan of the map per request', () => {
    const limiter = new FixedWindowLimiter({ max: 10, windowMs: 60_000, clock: () => 0 });
    const { ms } = timed(() => {
      for (let i = 0; i < 60_000; i++) limiter.hit(`k${i % 15_000}`);
    });
    // A scan per request (the old sweep) takes seconds here; a linear pass takes tens of milliseconds.
    expect(ms).toBeLessThan(2 * TIME_LIMIT_MS);
    expect(limiter.size).toBe(15_000);
  });
});
