import { engines, type Engine } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { freshClient, startAlertsWorld, type AlertsWorld } from './subscriptions-fixture';

/*
 * The public searches residents type into (GET /public/alerts/localities and /streets) answer one
 * client a bounded number of times a minute, shared by both, then 429 JSON with Retry-After; other
 * clients are not held back, and input that is refused anyway (400) counts nothing. Counters in the
 * database, or in Redis when the server has it.
 */

const cases: { name: string; engine: Engine; redis: boolean }[] = [
  ...engines().map((engine) => ({ name: `${engine.name}, counters in the database`, engine, redis: false })),
  { name: `${engines()[0].name}, counters in Redis`, engine: engines()[0], redis: true },
];

describe.each(cases)('search rate limit on $name', ({ engine, redis }) => {
  let w: AlertsWorld;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    w = await startAlertsWorld(engine, {
      alerts: { searchesPerMinute: 5 },
      ...(redis ? { env: { REDIS_URL: TEST_REDIS_URL }, prefix } : {}),
    });
  });
  afterAll(async () => {
    await w.close();
    if (redis) await dropPrefix(prefix);
  });

  it('answers five searches a minute to one client, localities and streets together, then 429 JSON', async () => {
    const me = freshClient();
    const get = (path: string, headers = me) => w.s.api('GET', path, { headers });
    for (const q of ['s', 'sk', 'sko']) expect((await get(`/public/alerts/localities?q=${q}`)).status).toBe(200);
    // Refused for its input, counted nowhere.
    const bad = await get(`/public/alerts/localities?q=${'x'.repeat(101)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    for (const q of ['d', 'dz']) expect((await get(`/public/alerts/streets?locality=${w.ids.skorzewo}&q=${q}`)).status).toBe(200);

    const refused = await get('/public/alerts/localities?q=skor');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(`/public/alerts/streets?locality=${w.ids.skorzewo}&q=dzi`)).status).toBe(429);

    // Another client is not held back by this one.
    const other = await get('/public/alerts/localities?q=skorzewo', freshClient());
    expect(other.status).toBe(200);
    expect(other.body.items.map((x: { name: string }) => x.name)).toEqual(['Skórzewo']);
  });
});
