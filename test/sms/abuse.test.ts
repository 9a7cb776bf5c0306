import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';

/*
 * SMS pumping and toll fraud: automatic SMS (web-form receipts) and staff sends go only to allowed
 * countries, automatic SMS have a daily cap, and large sends by users without TOTP wait for approval.
 */
const RECEIPT_CAP = 3;
const BATCH = 50;
const PER_USER = 100;
const norwegian = (from: number, n: number) => Array.from({ length: n }, (_, i) => `+479150${String(from + i).padStart(4, '0')}`);
const POLISH = '+48512345678';
const SWEDISH = '+46701234567';

const FORM = {
  slug: 'kontakt',
  department: 'teknisk',
  title: { nb: 'Kontakt oss', en: 'Contact us' },
  fields: [
    { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
    { name: 'telefon', type: 'tel', purpose: 'phone', label: { nb: 'Telefon', en: 'Phone' } },
    { name: 'sporsmal', type: 'textarea', required: true, label: { nb: 'Spørsmål', en: 'Question' } },
  ],
};

describe.each(engines())('SMS pumping and toll fraud on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let admin: string;
  let agent: string;
  let officer: string;
  let totpOfficer: string;
  let ip = 0;
  const sentTo = (phone: string) => standin.messages.filter((m) => m.params.To === phone).length;

  /** A citizen submits the form with only a phone number; the receipt's message and its last status event. */
  async function submit(phone: string) {
    const form = new FormData();
    for (const [k, v] of Object.entries({ navn: 'Ola', telefon: phone, sporsmal: 'Når tømmes søpla?' })) form.append(k, v);
    const res = await fetch(`${s.url}/public/forms/${FORM.slug}`, { method: 'POST', body: form, headers: { 'x-forwarded-for': `10.2.0.${++ip}` } });
    const html = await res.text();
    expect(res.status).toBe(200);
    const ref = Number(/Referansenummeret ditt er (\d+)/.exec(html)![1]);
    const sms = (await s.api('GET', `/api/inquiries/${ref}`, { token: agent })).body.timeline.find((t: { channel: string }) => t.channel === 'sms');
    const events = (await s.api('GET', `/api/messages/${sms.id}`, { token: agent })).body.events;
    return { sms, last: events.at(-1), html };
  }

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, {
      env: standin.env,
      channels: ['sms', 'web'],
      web: { rateLimit: { max: 1000, windowMs: 60_000 } },
      sms: { limits: { dailyAutomatic: { receipt: RECEIPT_CAP, code: 10 }, dailyPerUser: PER_USER, batchWithoutTotp: BATCH } },
    });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m),
    );
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', ['teknisk'])).token;
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    totpOfficer = (await s.user('officer2@kommune.no', 'officer', ['teknisk'], { totp: true })).token;
    expect((await s.api('POST', '/api/forms', { token: admin, body: FORM })).status).toBe(201);
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('lets an admin add countries to Norway; others get 403, bad input 400, and neither changes anything', async () => {
    expect((await s.api('GET', '/api/sms/country-allowlist', { token: officer })).body).toEqual({ items: ['NO'] });
    expect((await s.api('PUT', '/api/sms/country-allowlist', { token: officer, body: { countries: ['PL'] } })).status).toBe(403);
    for (const body of [{ countries: ['SE', 'XX'] }, { countries: ['SWE'] }, { countries: 'SE' }, { countries: ['SE'], extra: 1 }]) {
      const bad = await s.api('PUT', '/api/sms/country-allowlist', { token: admin, body });
      expect(bad.status).toBe(400);
    }
    expect(await s.count('sms_country_allowlist')).toBe(0);
    expect((await s.api('GET', '/api/sms/country-allowlist', { token: admin })).body).toEqual({ items: ['NO'] });

    const set = await s.api('PUT', '/api/sms/country-allowlist', { token: admin, body: { countries: ['se', 'NO', 'SE'] } });
    expect(set).toMatchObject({ status: 200, body: { items: ['NO', 'SE'] } });
    expect((await s.api('GET', '/api/sms/country-allowlist', { token: officer })).body).toEqual({ items: ['NO', 'SE'] });
    expect(await s.count('sms_country_allowlist')).toBe(1);
  });

  it('does not send a web-form receipt to a country off the list, and records it stopped with the reason', async () => {
    const r = await submit('+48 512 345 678');
    expect(r.html).not.toContain('Vi har sendt deg en kvittering');
    expect(r.sms).toMatchObject({ direction: 'out', status: 'stopped', to: POLISH });
    expect(r.last).toMatchObject({ status: 'stopped', reason: 'country_not_allowed', country: 'PL' });
    expect(sentTo(POLISH)).toBe(0);
    // An allowed country other than Norway gets it.
    expect((await submit(SWEDISH)).sms.status).not.toBe('stopped');
    expect(sentTo(SWEDISH)).toBe(1);
  });

  it('sends automatic receipts up to the daily cap and stops the next one with the reason', async () => {
    // One receipt of today's cap went to Sweden above.
    const [a, b, over] = norwegian(1, 3);
    for (const to of [a, b]) expect((await submit(to)).sms.status).not.toBe('stopped');
    expect(sentTo(a) + sentTo(b)).toBe(2);
    const r = await submit(over);
    expect(r.sms).toMatchObject({ status: 'stopped', to: over });
    expect(r.last).toMatchObject({ status: 'stopped', reason: 'daily_limit' });
    expect(sentTo(over)).toBe(0);
  });

  it('answers a staff send with a recipient in a disallowed country 400, naming it, and writes nothing', async () => {
    const [tables, sendsBefore, messagesBefore] = [['sms_sends', 'messages'], await s.count('sms_sends'), await s.count('messages')];
    const r = await s.api('POST', '/api/sms/messages', {
      token: totpOfficer,
      body: { to: [norwegian(100, 1)[0], POLISH, SWEDISH], body: 'Vannet stenges i dag' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('PL');
    expect(r.body.error.details).toEqual([{ path: ['to', 1], message: expect.stringContaining(POLISH) }]);
    expect([await s.count(tables[0]), await s.count(tables[1])]).toEqual([sendsBefore, messagesBefore]);
    expect(sentTo(norwegian(100, 1)[0])).toBe(0);
  });

  it(`holds a send of more than ${BATCH} by a user without TOTP for approval; with TOTP it goes out`, async () => {
    // Agents may send SMS without TOTP (officers must enrol it), so the agent is the sender without TOTP here.
    const held = await s.api('POST', '/api/sms/messages', { token: agent, body: { to: norwegian(200, BATCH + 10), body: 'Vannet stenges i dag' } });
    expect(held.status).toBe(201);
    expect(held.body.send).toMatchObject({ state: 'awaiting_approval', holdReason: { batch: { recipients: BATCH + 10, limit: BATCH, totp: false } } });
    expect(norwegian(200, BATCH + 10).reduce((n, p) => n + sentTo(p), 0)).toBe(0);

    const small = await s.api('POST', '/api/sms/messages', { token: agent, body: { to: norwegian(300, BATCH), body: 'Vannet stenges i dag' } });
    expect(small.body.send).toMatchObject({ state: 'sent', holdReason: null });

    const sent = await s.api('POST', '/api/sms/messages', { token: totpOfficer, body: { to: norwegian(400, BATCH + 10), body: 'Vannet stenges i dag' } });
    expect(sent.body.send).toMatchObject({ state: 'sent', holdReason: null });
    expect(norwegian(400, BATCH + 10).every((p) => sentTo(p) === 1)).toBe(true);
  });

  it('holds for approval a send that would take a user past their daily recipients', async () => {
    // The TOTP officer sent 60 today; 40 more fit, 41 do not.
    const over = await s.api('POST', '/api/sms/messages', { token: totpOfficer, body: { to: norwegian(500, 41), body: 'Vannet stenges i dag' } });
    expect(over.body.send).toMatchObject({ state: 'awaiting_approval', holdReason: { daily: { recipients: 41, limit: PER_USER } } });
    const fits = await s.api('POST', '/api/sms/messages', { token: totpOfficer, body: { to: norwegian(600, 40), body: 'Vannet stenges i dag' } });
    expect(fits.body.send).toMatchObject({ state: 'sent' });
  });
});
