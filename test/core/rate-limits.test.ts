import { engines } from '../support/engines';
import { eventually, sleep } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';

/*
 * The shared rate-limit store keeps one database row per limiter and key. Rows whose window has
 * passed count for nothing (the next attempt starts the key afresh), so they are deleted: by
 * RateLimits.prune(), which the server runs as background work, at start and then every hour.
 */
describe.each(engines())('rate-limit counters on $name', (engine) => {
  let s: TestServer;
  let started: number;
  beforeAll(async () => {
    s = await startServer(engine);
    started = Date.now();
  });
  afterAll(() => s.close());

  const keys = async () =>
    ((await s.app.db.dataSource.query("SELECT rl_key FROM rate_limits WHERE rl_key LIKE 'st:rl:prune-%' ORDER BY rl_key")) as { rl_key: string }[]).map(
      (r) => r.rl_key,
    );
  const insert = (key: string, expire: number | null) =>
    s.app.db.statement((m) => m.query('INSERT INTO rate_limits (rl_key, points, expire) VALUES (?, ?, ?)', [`st:rl:prune-${key}`, 3, expire]));

  it('prunes only expired counters: live ones and those without expiry stay, and still count', async () => {
    // Expired after the server's own prune at start, which may still be under way, so only this test's calls delete them.
    await sleep(5);
    await insert('expired-first', started + 1);
    await insert('expired-later', started + 2);
    await insert('live', Date.now() + 3_600_000);
    await insert('no-expiry', null);
    // One more through a limiter, live for an hour: prune must leave its count as it was.
    const limiter = s.app.rateLimits.limiter('prune-used', { points: 5, durationSec: 3600 });
    for (let i = 0; i < 2; i++) await limiter.consume('client');

    expect(await s.app.rateLimits.prune()).toBe(2);
    expect(await keys()).toEqual(['st:rl:prune-live', 'st:rl:prune-no-expiry', 'st:rl:prune-used:client']);
    expect((await limiter.peek('client')).consumed).toBe(2);
    expect(await s.app.rateLimits.prune()).toBe(0);
  });

  it('lets a key whose row was pruned start afresh', async () => {
    const limiter = s.app.rateLimits.limiter('prune-short', { points: 1, durationSec: 1 });
    expect((await limiter.consume('k')).ok).toBe(true);
    expect((await limiter.consume('k')).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await s.app.rateLimits.prune()).toBeGreaterThanOrEqual(1);
    expect(await keys()).not.toContain('st:rl:prune-short:k');
    expect(await limiter.consume('k')).toEqual({ ok: true, consumed: 1 });
  });

  it('runs the pruning as background work when a server starts', async () => {
    await insert('left-by-another-process', Date.now() - 60_000);
    await insert('still-live', Date.now() + 60_000);
    // A second process on the same database prunes when it starts.
    const other = await startServer(engine, { database: s.database, keepDatabase: true });
    try {
      await eventually(async () => !(await keys()).includes('st:rl:prune-left-by-another-process'), 'the start-up prune');
      expect(await keys()).toContain('st:rl:prune-still-live');
    } finally {
      await other.close();
    }
  });
});
