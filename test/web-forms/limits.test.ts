import { engines } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';

/*
 * The web forms' per-client limit is counted on the store every process shares (Redis with
 * REDIS_URL, the database without), before the submission is read: two servers together allow
 * the limit once, a burst of parallel submissions gets no more, and an IPv6 /64 is one client.
 */

const MAX = 3;
const WINDOW_MS = 60_000;
const FORM = {
  slug: 'kontakt',
  department: 'service',
  title: { nb: 'Kontakt oss', en: 'Contact us' },
  fields: [
    { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
    { name: 'sporsmal', type: 'textarea', required: true, label: { nb: 'Spørsmål', en: 'Question' } },
  ],
};

async function submit(s: TestServer, ip: string) {
  const res = await fetch(`${s.url}/public/forms/${FORM.slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'x-forwarded-for': ip },
    body: new URLSearchParams({ navn: 'Kari', sporsmal: 'Når tømmes søpla?' }).toString(),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), html: await res.text() };
}

/** The accepted submissions and the refused ones, each refusal checked for its answer. */
function tally(results: Awaited<ReturnType<typeof submit>>[]) {
  const refused = results.filter((r) => r.status === 429);
  for (const r of refused) {
    expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(r.retryAfter)).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(r.html).toContain('Vent litt og prøv igjen');
  }
  const accepted = results.filter((r) => r.status === 200);
  expect(accepted.length + refused.length).toBe(results.length);
  return { accepted: accepted.length, refused: refused.length };
}

describe.each(engines())('web-form limits on $name', (engine) => {
  for (const store of ['database', 'redis'] as const) {
    describe(`two servers on one ${store}`, () => {
      let a: TestServer;
      let b: TestServer;
      const prefix = uniquePrefix();
      beforeAll(async () => {
        const env = store === 'redis' ? { REDIS_URL: TEST_REDIS_URL } : undefined;
        const web = { rateLimit: { max: MAX, windowMs: WINDOW_MS } };
        a = await startServer(engine, { env, jobs: { prefix }, web, keepDatabase: true });
        expect(a.app.rateLimits.store).toBe(store);
        await a.department(FORM.department);
        const admin = (await a.user('admin@kommune.test', 'admin', [])).token;
        expect((await a.api('POST', '/api/forms', { token: admin, body: FORM })).status).toBe(201);
        // Started after the department exists: a server caches the department list for a few seconds.
        b = await startServer(engine, { env, jobs: { prefix }, web, database: a.database });
      });
      afterAll(async () => {
        await a.close();
        await b.close();
        await dropPrefix(prefix);
      });

      it('allows one client the limit once over both servers, however many submissions arrive at once', async () => {
        const before = await a.count('inquiries');
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => submit(i % 2 ? a : b, '198.51.100.23')));
        // Each server counting alone would accept MAX each.
        expect(tally(results)).toEqual({ accepted: MAX, refused: 12 - MAX });
        expect(await a.count('inquiries')).toBe(before + MAX);
        // Another client is not held back.
        expect((await submit(b, '198.51.100.24')).status).toBe(200);
      });

      it('counts every address of one IPv6 /64 as one client, and another /64 apart', async () => {
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(i % 2 ? a : b, `2001:db8:7:8:${(i + 1).toString(16)}::${i + 1}`)));
        expect(tally(results)).toEqual({ accepted: MAX, refused: 8 - MAX });
        expect((await submit(a, '2001:db8:7:8::ffff')).status).toBe(429);
        expect((await submit(a, '2001:db8:7:9::1')).status).toBe(200);
      });
    });
  }
});
