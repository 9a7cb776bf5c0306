import { engines } from '../support/engines';
import { postSignedForm, smsSid, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';
import { ALERTS_NUMBER, codeFor, freshClient, lastSmsTo, startAlertsWorld, subscriptionRows, type AlertsWorld } from './subscriptions-fixture';

/*
 * MISSION.md's public JSON endpoints of resident alerts, through HTTP: codes, subscribe, change,
 * unsubscribe by code and by STOP, consent records, export, and refusals that change nothing.
 */
describe.each(engines())('alert subscriptions over HTTP on $name', (engine) => {
  let w: AlertsWorld;
  beforeAll(async () => {
    w = await startAlertsWorld(engine);
  });
  afterAll(() => w.close());

  let n = 0;
  /** A number no other test uses. */
  const number = () => `+479${String(1000000 + ++n).slice(-7)}`;
  const subscribe = async (phone: string, body: Record<string, unknown>) =>
    w.s.api('POST', '/public/alerts/subscription', { body: { phone, code: await codeFor(w, phone), ...body }, headers: freshClient() });

  it('sends a code SMS with exactly one number, six digits, from the alerts number, and keeps only its hash', async () => {
    const phone = number();
    const code = await codeFor(w, phone);
    const sms = lastSmsTo(w, phone)!;
    expect(sms.params.From).toBe(ALERTS_NUMBER);
    expect(sms.params.Body.match(/\d+/g)).toEqual([code]);
    expect(sms.params.StatusCallback).toBeUndefined();
    const rows = (await w.s.app.db.dataSource.query('SELECT * FROM alert_codes WHERE phone = ?', [phone])) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code);
    // Not in the register: a one-time code is no inquiry.
    expect(await w.s.app.register.messages.byExternalId('sms', 'none')).toBeNull();
  });

  it('answers a subscribed and an unknown number identically, and both get a code', async () => {
    const member = number();
    expect((await subscribe(member, { locality: String(w.ids.skorzewo) })).status).toBe(200);
    const stranger = number();
    const ask = async (phone: string) => {
      const r = await w.s.api('POST', '/public/alerts/code', { body: { phone }, headers: freshClient() });
      return { status: r.status, body: r.body, type: r.headers.get('content-type'), length: r.headers.get('content-length') };
    };
    const a = await ask(member);
    const b = await ask(stranger);
    expect(a).toEqual(b);
    expect(a.status).toBe(202);
    expect(lastSmsTo(w, member)!.params.Body).toMatch(/\d{6}/);
    expect(lastSmsTo(w, stranger)!.params.Body.replace(/\d{6}/, '').replace(/\d+/g, 'N')).toBe(lastSmsTo(w, member)!.params.Body.replace(/\d{6}/, ''));
  });

  it('subscribes with a locality, streets and categories, records the consent, and a used code is refused', async () => {
    const phone = number();
    const code = await codeFor(w, phone);
    const body = { phone, code, locality: String(w.ids.skorzewo), streets: [String(w.ids.dzialkowa)], categories: ['waste', 'emergency'], language: 'pl' };
    const r = await w.s.api('POST', '/public/alerts/subscription', { body, headers: freshClient() });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ phone, locality: String(w.ids.skorzewo), streets: [String(w.ids.dzialkowa)], categories: ['emergency', 'waste'] });
    const sub = await w.s.app.alerts.subscriptions.dataOf(phone);
    expect(sub.subscription).toMatchObject({ state: 'active', language: 'pl', wholeLocality: false, leftAt: null });
    expect(sub.consents).toEqual([
      expect.objectContaining({ action: 'subscribe', language: 'pl', via: 'web', client: expect.stringMatching(/^10\.20\.\d+\.\d+$/) }),
    ]);
    expect(sub.consents[0].text).toContain('ul. Działkowa');
    expect(sub.consents[0].text).toContain(phone);

    const before = await subscriptionRows(w.s);
    const again = await w.s.api('POST', '/public/alerts/subscription', { body: { ...body, streets: [] }, headers: freshClient() });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_code');
    expect(await subscriptionRows(w.s)).toBe(before);
  });

  it('changes the choice with a new code: streets and categories replaced, a "change" consent added', async () => {
    const phone = number();
    await subscribe(phone, { locality: String(w.ids.skorzewo), streets: [String(w.ids.dzialkowa), String(w.ids.lipowa)], categories: ['waste'] });
    const r = await subscribe(phone, { locality: String(w.ids.dopiewo), categories: ['water-roads'] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ phone, locality: String(w.ids.dopiewo), streets: [], categories: ['water-roads'] });
    const data = await w.s.app.alerts.subscriptions.dataOf(phone);
    expect(data.subscription).toMatchObject({ wholeLocality: true, streets: [], categories: [{ code: 'water-roads', name: 'Woda i drogi' }] });
    expect(data.consents.map((c) => c.action)).toEqual(['subscribe', 'change']);
  });

  it('refuses unknown or misplaced ids and codes with 400 naming each, changes nothing and leaves the code usable', async () => {
    const phone = number();
    const code = await codeFor(w, phone);
    const before = await subscriptionRows(w.s);
    const bad = await w.s.api('POST', '/public/alerts/subscription', {
      body: { phone, code, locality: String(w.ids.skorzewo), streets: [String(w.ids.glowna), '999999', 'x'], categories: ['waste', 'nope'] },
      headers: freshClient(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('unknown_reference');
    expect(bad.body.error.details).toEqual([
      { path: ['streets', 0], message: `street ${w.ids.glowna} is not in locality ${w.ids.skorzewo}` },
      { path: ['streets', 1], message: 'unknown street 999999' },
      { path: ['streets', 2], message: 'unknown street x' },
      { path: ['categories', 1], message: 'unknown category nope' },
    ]);
    const noPlace = await w.s.api('POST', '/public/alerts/subscription', { body: { phone, code, locality: '424242' }, headers: freshClient() });
    expect(noPlace.status).toBe(400);
    expect(noPlace.body.error.details).toEqual([{ path: ['locality'], message: 'unknown locality 424242' }]);
    expect(await subscriptionRows(w.s)).toBe(before);
    const ok = await w.s.api('POST', '/public/alerts/subscription', { body: { phone, code, locality: String(w.ids.skorzewo) }, headers: freshClient() });
    expect(ok.status).toBe(200);
  });

  it.each([
    ['no body', undefined],
    ['no phone', { code: '123456', locality: '1' }],
    ['a phone that is no number', { phone: 'abc', code: '123456', locality: '1' }],
    ['a number too long', { phone: '9'.repeat(500), code: '123456', locality: '1' }],
    ['streets not a list', { phone: '+4791000001', code: '123456', locality: '1', streets: 'all' }],
    ['an unknown field', { phone: '+4791000001', code: '123456', locality: '1', admin: true }],
    ['an unknown language', { phone: '+4791000001', code: '123456', locality: '1', language: 'de' }],
  ])('refuses %s with a 4xx in the error shape and changes nothing', async (_what, body) => {
    const before = await subscriptionRows(w.s);
    for (const path of ['/public/alerts/subscription', '/public/alerts/unsubscribe', '/public/alerts/export', '/public/alerts/code']) {
      const r = await w.s.api('POST', path, { body, headers: freshClient() });
      expect([400, 429]).toContain(r.status);
      expect(typeof r.body.error.code).toBe('string');
      expect(typeof r.body.error.message).toBe('string');
    }
    const raw = await w.s.api('POST', '/public/alerts/subscription', { raw: '{"phone":', headers: freshClient() });
    expect(raw.status).toBe(400);
    expect(raw.body.error.code).toBe('invalid_json');
    expect(await subscriptionRows(w.s)).toBe(before);
  });

  it('refuses a code after ten minutes', async () => {
    const phone = number();
    const code = await codeFor(w, phone);
    w.advance(10 * 60_000 + 1000);
    try {
      const r = await w.s.api('POST', '/public/alerts/subscription', { body: { phone, code, locality: String(w.ids.skorzewo) }, headers: freshClient() });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_code');
      expect((await w.s.app.alerts.subscriptions.dataOf(phone)).subscription).toBeNull();
    } finally {
      w.advance(-(10 * 60_000 + 1000));
    }
  });

  it('takes four wrong tries and then the right code, but after five wrong ones not even the right code', async () => {
    const tryCode = async (phone: string, code: string) =>
      (await w.s.api('POST', '/public/alerts/subscription', { body: { phone, code, locality: String(w.ids.skorzewo) }, headers: freshClient() })).body;
    const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

    const patient = number();
    const good = await codeFor(w, patient);
    for (let i = 0; i < 4; i++) expect((await tryCode(patient, wrong(good))).error.code).toBe('invalid_code');
    expect((await tryCode(patient, good)).phone).toBe(patient);

    const guesser = number();
    const real = await codeFor(w, guesser);
    for (let i = 0; i < 5; i++) expect((await tryCode(guesser, wrong(real))).error.code).toBe('invalid_code');
    expect((await tryCode(guesser, real)).error.code).toBe('invalid_code');
    expect((await w.s.app.alerts.subscriptions.dataOf(guesser)).subscription).toBeNull();
    // A new code starts afresh, and the old one stays dead.
    const next = await codeFor(w, guesser);
    expect((await tryCode(guesser, real === next ? wrong(real) : real)).error.code).toBe('invalid_code');
  });

  it('counts code requests per number and per client, answering 429 with Retry-After past either', async () => {
    const phone = number();
    for (let i = 0; i < 5; i++) expect((await w.s.api('POST', '/public/alerts/code', { body: { phone }, headers: freshClient() })).status).toBe(202);
    const sixth = await w.s.api('POST', '/public/alerts/code', { body: { phone }, headers: freshClient() });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(w.standin.messages.filter((m) => m.params.To === phone)).toHaveLength(5);

    const client = freshClient();
    for (let i = 0; i < 20; i++) expect((await w.s.api('POST', '/public/alerts/code', { body: { phone: number() }, headers: client })).status).toBe(202);
    const over = await w.s.api('POST', '/public/alerts/code', { body: { phone: number() }, headers: client });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
  });

  it('sends no code to a country off the SMS allow-list, with the same answer', async () => {
    const before = w.standin.messages.length;
    const r = await w.s.api('POST', '/public/alerts/code', { body: { phone: '+48601234567' }, headers: freshClient() });
    expect(r.status).toBe(202);
    expect(w.standin.messages.length).toBe(before);
  });

  it('unsubscribes by code: left with the date, the choice and every consent kept; subscribing again makes it active', async () => {
    const phone = number();
    await subscribe(phone, { locality: String(w.ids.skorzewo), streets: [String(w.ids.lipowa)], categories: ['waste'] });
    const r = await w.s.api('POST', '/public/alerts/unsubscribe', { body: { phone, code: await codeFor(w, phone) }, headers: freshClient() });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ phone, state: 'left' });
    const left = await w.s.app.alerts.subscriptions.dataOf(phone);
    expect(left.subscription).toMatchObject({
      state: 'left',
      streets: [{ id: String(w.ids.lipowa), name: 'ul. Lipowa' }],
      categories: [{ code: 'waste', name: 'Odpady' }],
    });
    expect(left.subscription!.leftAt).not.toBeNull();
    expect(left.consents.map((c) => c.action)).toEqual(['subscribe', 'unsubscribe']);

    const wrong = await w.s.api('POST', '/public/alerts/unsubscribe', { body: { phone, code: '12345' }, headers: freshClient() });
    expect(wrong.body.error.code).toBe('invalid_code');

    expect((await subscribe(phone, { locality: String(w.ids.skorzewo) })).status).toBe(200);
    const back = await w.s.app.alerts.subscriptions.dataOf(phone);
    expect(back.subscription).toMatchObject({ state: 'active', leftAt: null });
    expect(back.consents.map((c) => c.action)).toEqual(['subscribe', 'unsubscribe', 'subscribe']);
  });

  it('unsubscribes on STOP sent to our number, records it once, and keeps the history', async () => {
    const phone = number();
    await subscribe(phone, { locality: String(w.ids.dopiewo) });
    const stop = () =>
      postSignedForm(w.s.url, '/webhooks/twilio/sms', {
        MessageSid: smsSid(),
        AccountSid: STANDIN_ACCOUNT_SID,
        From: phone,
        To: ALERTS_NUMBER,
        Body: 'STOP',
        NumMedia: '0',
      });
    expect((await stop()).status).toBe(200);
    const data = await w.s.app.alerts.subscriptions.dataOf(phone);
    expect(data.subscription).toMatchObject({ state: 'left' });
    expect(data.consents.at(-1)).toMatchObject({ action: 'stop', via: 'sms', ourNumber: ALERTS_NUMBER, client: null });
    expect((await stop()).status).toBe(200);
    expect((await w.s.app.alerts.subscriptions.dataOf(phone)).consents.map((c) => c.action)).toEqual(['subscribe', 'stop']);
  });

  it('gives the resident their data and consent history by code, and records staff the same, audited', async () => {
    const phone = number();
    await subscribe(phone, { locality: String(w.ids.skorzewo), streets: [String(w.ids.dzialkowa)], language: 'en' });
    await w.s.api('POST', '/public/alerts/unsubscribe', { body: { phone, code: await codeFor(w, phone) }, headers: freshClient() });
    const code = await codeFor(w, phone);
    const mine = await w.s.api('POST', '/public/alerts/export', { body: { phone, code }, headers: freshClient() });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toContain('no-store');
    expect(mine.body).toMatchObject({
      phone,
      subscription: { state: 'left', language: 'en', locality: { id: String(w.ids.skorzewo), name: 'Skórzewo' }, streets: [{ name: 'ul. Działkowa' }] },
    });
    expect(mine.body.consents.map((c: { action: string }) => c.action)).toEqual(['subscribe', 'unsubscribe']);
    expect(mine.body.consents[0].text).toMatch(/^I agree to receive SMS alerts/);
    expect(mine.body.consents[0].choice).toMatchObject({ locality: { name: 'Skórzewo' }, streets: [{ name: 'ul. Działkowa' }] });
    expect((await w.s.api('POST', '/public/alerts/export', { body: { phone, code }, headers: freshClient() })).body.error.code).toBe('invalid_code');

    const records = await w.s.user('records@k.no', 'records', []);
    const agent = await w.s.user('agent@k.no', 'agent', ['switchboard']);
    const path = `/api/alerts/subscribers/export?phone=${encodeURIComponent(phone)}`;
    const staff = await w.s.api('GET', path, { token: records.token });
    expect(staff.status).toBe(200);
    expect(staff.body).toEqual(mine.body);
    expect((await w.s.api('GET', path, { token: agent.token })).status).toBe(403);
    expect((await w.s.api('GET', '/api/alerts/subscribers/export?phone=%2B4790000009', { token: records.token })).status).toBe(404);
    expect((await w.s.api('GET', '/api/alerts/subscribers/export?phone=nope', { token: records.token })).status).toBe(400);
    const audit = await w.s.app.audit.forEntity('alert_subscriber', phone);
    expect(audit).toEqual([expect.objectContaining({ userId: records.id, action: 'read', route: 'GET /api/alerts/subscribers/export' })]);
  });
});
