import { engines } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, TEST_PASSWORD, type TestServer } from '../support/server';
import { DEFAULT_THROTTLE } from '../../server/auth/login-throttle';

/** The most password checks one client gets at once: its free attempts and the one its first delay lets through. */
const PER_BURST = DEFAULT_THROTTLE.client.free + 1;

const guess = (s: TestServer, email: string, ip: string, password = 'wrong-password') =>
  s.api('POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

/** How many of the answers checked a password (401) and how many were refused unchecked (429). */
function tally(results: { status: number; headers: Headers }[]) {
  const checked = results.filter((r) => r.status === 401).length;
  const refused = results.filter((r) => r.status === 429);
  expect(checked + refused.length).toBe(results.length);
  for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  return { checked, refused: refused.length };
}

describe.each(engines())('log-in abuse on $name', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('helse');
  });
  afterAll(() => s.close());

  it('counts fifty parallel guesses before checking any: only the allowed number is verified', async () => {
    await s.user('target@kommune.no', 'agent', ['helse']);
    const results = await Promise.all(Array.from({ length: 50 }, () => guess(s, 'target@kommune.no', '198.51.100.7')));
    const { checked, refused } = tally(results);
    expect(checked).toBeLessThanOrEqual(PER_BURST);
    expect(refused).toBeGreaterThanOrEqual(50 - PER_BURST);
  });

  it("delays the attacker's client, not the account: its owner logs in from another client", async () => {
    // The previous test's attacker, now with the right password: their client waits.
    const attacker = await guess(s, 'target@kommune.no', '198.51.100.7', TEST_PASSWORD);
    expect(attacker.status).toBe(429);
    expect(attacker.body.error.code).toBe('too_many_attempts');
    expect(Number(attacker.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const owner = await guess(s, 'target@kommune.no', '203.0.113.20', TEST_PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.user.email).toBe('target@kommune.no');
  });

  it('no longer locks an account after five wrong passwords from several clients', async () => {
    await s.user('five@kommune.no', 'agent', ['helse']);
    for (let i = 0; i < 5; i++) expect((await guess(s, 'five@kommune.no', `10.1.0.${i}`)).status).toBe(401);
    expect((await guess(s, 'five@kommune.no', '10.1.0.99', TEST_PASSWORD)).status).toBe(200);
  });

  it('counts every address of one IPv6 /64 as one client, and another /64 apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => guess(s, `nobody${i}@kommune.no`, `2001:db8:a:b:${(i + 1).toString(16)}::${i + 1}`)),
    );
    expect(tally(results).checked).toBeLessThanOrEqual(PER_BURST);
    expect((await guess(s, 'nobody@kommune.no', '2001:db8:a:b::ffff')).status).toBe(429);
    expect((await guess(s, 'nobody@kommune.no', '::ffff:192.0.2.1')).status).toBe(401);
    expect((await guess(s, 'nobody@kommune.no', '2001:db8:a:c::1')).status).toBe(401);
  });

  it('limits TOTP codes like passwords: a burst of wrong codes is counted before checking', async () => {
    const { usedCode } = await s.user('coded@kommune.no', 'caseworker', ['helse'], { totp: true });
    const wrong = usedCode === '000000' ? '111111' : '000000';
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        s.api('POST', '/api/auth/login', {
          body: { email: 'coded@kommune.no', password: TEST_PASSWORD, totp: wrong },
          headers: { 'x-forwarded-for': '192.0.2.77' },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 401).every((r) => r.body.error.code === 'invalid_totp')).toBe(true);
    expect(tally(results).checked).toBeLessThanOrEqual(PER_BURST);
  });
});

/** Two servers, as two processes would be, on one store: each must see the other's attempts. */
describe.each(engines())('log-in limits across two servers on $name', (engine) => {
  for (const store of ['redis', 'database'] as const) {
    it(`hold across both servers on one ${store}`, async () => {
      const prefix = uniquePrefix();
      const env = store === 'redis' ? { REDIS_URL: TEST_REDIS_URL } : undefined;
      const a = await startServer(engine, { env, jobs: { prefix }, keepDatabase: true });
      const b = await startServer(engine, { env, jobs: { prefix }, database: a.database });
      try {
        expect(a.app.rateLimits.store).toBe(store);
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => guess(i % 2 ? a : b, 'shared@kommune.no', '198.51.100.99')));
        // Each server counting alone would check PER_BURST each.
        expect(tally(results).checked).toBeLessThanOrEqual(PER_BURST);
      } finally {
        await a.close();
        await b.close();
        await dropPrefix(prefix);
      }
    });
  }
});
