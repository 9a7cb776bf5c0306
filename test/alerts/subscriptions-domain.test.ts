import { CODE_SMS } from '../../server/alerts/codes.service';
import { consentTexts } from '../../server/alerts/consent.texts';
import { ALERT_LANGS } from '../../server/alerts/subscriptions.schemas';
import { engines } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';
import { codeFor, freshClient, lastSmsTo, startAlertsWorld, subscriptionRows, type AlertsWorld } from './subscriptions-fixture';

/** The subscription service and its texts without HTTP: what the JSON endpoints and the pages share. */
describe('alert subscription texts', () => {
  it.each(ALERT_LANGS)('puts the code as the only number in the %s SMS', (lang) => {
    const body = CODE_SMS[lang]('048213');
    expect(body.match(/\d+/g)).toEqual(['048213']);
    expect(body.length).toBeLessThan(140);
  });

  it.each(ALERT_LANGS)('says in %s what is agreed to: number, place, streets or the whole locality, categories, and how to leave', (lang) => {
    const t = consentTexts(lang);
    const streets = t.agree({ phone: '+4791234567', locality: 'Skórzewo', streets: ['ul. Działkowa'], categories: ['Odpady'] });
    expect(streets).toContain('+4791234567');
    expect(streets).toContain('Skórzewo');
    expect(streets).toContain('ul. Działkowa');
    expect(streets).toContain('Odpady');
    expect(streets).toMatch(/STOPP?/);
    const whole = t.agree({ phone: '+4791234567', locality: 'Skórzewo', streets: [], categories: [] });
    expect(whole).not.toBe(streets);
    expect(t.unsubscribe('+4791234567')).toContain('+4791234567');
    expect(t.stop('+4791234567', '+4759440099')).toContain('+4759440099');
  });
});

describe.each(engines())('alert subscription service on $name', (engine) => {
  let w: AlertsWorld;
  beforeAll(async () => {
    w = await startAlertsWorld(engine, { alertsDepartment: false });
  });
  afterAll(() => w.close());
  const svc = () => w.s.app.alerts.subscriptions;
  const codeOf = (phone: string) => /\b(\d{6})\b/.exec(lastSmsTo(w, phone)!.params.Body)![1];

  it('sends the code in the language asked for, from the default number when there is no alerts number', async () => {
    for (const [i, lang] of ALERT_LANGS.entries()) {
      const phone = `+4792000${100 + i}`;
      await svc().requestCode(phone, `client-${i}`, lang);
      const sms = lastSmsTo(w, phone)!;
      expect(sms.params.From).toBe('+4759440000');
      expect(sms.params.Body).toBe(CODE_SMS[lang](codeOf(phone)));
    }
  });

  it('lets only one of two requests racing with the same code act on it', async () => {
    const phone = '+4792000200';
    await svc().requestCode(phone, 'race', 'nb');
    const code = codeOf(phone);
    const body = (locality: number) => ({ phone, code, locality: String(locality) });
    const results = await Promise.allSettled([
      svc().subscribe(body(w.ids.skorzewo), { via: 'web', client: '10.0.0.1' }),
      svc().subscribe(body(w.ids.dopiewo), { via: 'web', client: '10.0.0.2' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const data = await svc().dataOf(phone);
    expect(data.consents).toHaveLength(1);
    expect(data.subscription!.language).toBe('nb');
  });

  it('replaces an older code with a newer one: only the latest SMS counts', async () => {
    const phone = '+4792000300';
    await svc().requestCode(phone, 'a', 'en');
    const first = codeOf(phone);
    await svc().requestCode(phone, 'a', 'en');
    const second = codeOf(phone);
    if (first !== second) await expect(svc().unsubscribe(phone, first, { via: 'web', client: 'x' })).rejects.toMatchObject({ code: 'invalid_code' });
    await expect(svc().unsubscribe(phone, second, { via: 'web', client: 'x' })).resolves.toEqual({ phone, state: 'none' });
  });

  it('treats STOP from a number that is not subscribed, or already left, as nothing to record', async () => {
    const before = await subscriptionRows(w.s);
    expect(await svc().stop('+4792000400', '+4759440000', new Date())).toBe(false);
    expect(await svc().stop('not a number', '+4759440000', new Date())).toBe(false);
    expect(await subscriptionRows(w.s)).toBe(before);
  });

  it('keeps a resident who left, with their choice and every consent, after STOP', async () => {
    const phone = '+4792000500';
    await svc().requestCode(phone, 'b', 'pl');
    await svc().subscribe(
      { phone, code: codeOf(phone), locality: String(w.ids.skorzewo), streets: [String(w.ids.dzialkowa)], categories: ['waste'], language: 'pl' },
      { via: 'web', client: '2001:db8::1' },
    );
    expect(await svc().stop(phone, '+4759440000', new Date('2026-12-01T10:00:00Z'))).toBe(true);
    const data = await svc().dataOf(phone);
    expect(data.subscription).toMatchObject({ state: 'left', leftAt: '2026-12-01T10:00:00.000Z', streets: [{ name: 'ul. Działkowa' }] });
    expect(data.consents.map((c) => [c.action, c.via, c.client, c.language])).toEqual([
      ['subscribe', 'web', '2001:db8::1', 'pl'],
      ['stop', 'sms', null, 'pl'],
    ]);
  });
});

/** Two servers, as two processes would be, on one Redis: tries and limits count together. */
describe.each(engines())('alert codes across two servers on one Redis, on $name', (engine) => {
  let w: AlertsWorld;
  let other: TestServer;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    w = await startAlertsWorld(engine, { env: { REDIS_URL: TEST_REDIS_URL }, prefix });
    other = await startServer(engine, { env: { ...w.standin.env, REDIS_URL: TEST_REDIS_URL }, jobs: { prefix }, database: w.s.database, keepDatabase: true });
  });
  afterAll(async () => {
    await other.close();
    await w.close();
    await dropPrefix(prefix);
  });

  it('counts the five tries at one code on both servers together', async () => {
    expect(w.s.app.rateLimits.store).toBe('redis');
    const phone = '+4792000600';
    const code = await codeFor(w, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (const [i, server] of [w.s, other, w.s, other, w.s].entries()) {
      const r = await server.api('POST', '/public/alerts/unsubscribe', { body: { phone, code: wrong }, headers: freshClient() });
      expect([i, r.body.error.code]).toEqual([i, 'invalid_code']);
    }
    expect((await other.api('POST', '/public/alerts/unsubscribe', { body: { phone, code }, headers: freshClient() })).body.error.code).toBe('invalid_code');
  });

  it('counts code requests for one number on both servers together', async () => {
    const phone = '+4792000700';
    const statuses: number[] = [];
    for (const server of [w.s, other, w.s, other, w.s, other])
      statuses.push((await server.api('POST', '/public/alerts/code', { body: { phone }, headers: freshClient() })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });
});
