import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { findAll, readTwiml } from '../../ivr/twiml-reader';
import { saySpeech } from '../../ivr/speech/speech';
import { engines } from '../support/engines';
import { authenticator } from 'otplib';
import { startServer, TEST_PASSWORD, type TestServer } from '../support/server';
import { ACCOUNT_SID, AUTH_TOKEN, caller, voiceEnv } from '../voice/support';
import { startVoiceRestStandin, type VoiceRestStandin } from '../voice/twilio-standin';
import { browserAvailable, buildConsole, launch, openPage, screenshot, type Watched } from './browser';
import { eventually } from '../support/eventually';
import { citizenSends, citizenWrites, logIn, makeUser, providerReports, smsNumber } from './helpers';

const OFFICER_TOTP = authenticator.generateSecret(20);

const run = browserAvailable() ? describe : describe.skip;
const HELSE_NUMBER = '+4759440002';

/*
 * The real voice flow: the server runs with Twilio credentials and TWILIO_API_URL pointing at the
 * voice stand-in for Twilio's REST API (test/voice/twilio-standin.ts), and the call is driven with
 * signed webhooks exactly as in test/voice/call-flow.test.ts: menu → digit → <Enqueue> → waitUrl.
 * Two agents of the department and a caseworker each have their own browser context.
 */
run('console: calls, screen pop, contact, case and delivery status (Chromium)', () => {
  let s: TestServer;
  let standin: VoiceRestStandin;
  let browser: Browser;
  let kari: Watched;
  let ola: Watched;
  let siv: Watched;
  const userIds: { kari?: number; ola?: number; siv?: number } = {};
  const ids: { inquiry?: number; message?: number; callSid?: string } = {};
  const pages = () => [kari, ola, siv].filter(Boolean);

  beforeAll(async () => {
    buildConsole();
    standin = await startVoiceRestStandin(ACCOUNT_SID, AUTH_TOKEN);
    s = await startServer(engines()[0], { env: voiceEnv(standin), voice: { speech: saySpeech } });
    browser = await launch();
    // HELSE is choice 2 of the voice menu, and owns an SMS number.
    await s.department('helse', 2);
    await smsNumber(s, 'helse', HELSE_NUMBER);
    userIds.kari = await makeUser(s, 'kari.helse@kommune.no', 'agent', ['helse', 'switchboard']);
    userIds.ola = await makeUser(s, 'ola.helse@kommune.no', 'agent', ['helse']);
    userIds.siv = await makeUser(s, 'siv.saksbehandler@kommune.no', 'caseworker', ['helse']);
    const integration = await s.user('sak@kommune.no', 'integration', []);
    const put = await s.api('PUT', '/api/cases/2026%2F1234', {
      token: integration.token,
      body: {
        title: 'Søknad om hjemmesykepleie',
        status: 'Under behandling',
        department: 'helse',
        contacts: [{ name: 'Nora Nordmann', phone: '+47 911 11 111', role: 'søker' }],
      },
    });
    expect(put.status).toBe(201);
    const r = await citizenSends(s, { from: '+4791111111', to: HELSE_NUMBER, body: 'Hei, gjelder sak 2026/1234: når får jeg svar på søknaden?' });
    ids.inquiry = r.inquiryId;
    ids.message = r.messageId;
    // A few more inquiries on other channels, so the inbox behind the pop looks like a working day.
    await citizenWrites(s, {
      channel: 'email',
      from: { email: 'ida@example.no', name: 'Ida Hansen' },
      subject: 'Trygghetsalarm til far',
      body: 'Hei, far (84) har falt to ganger denne måneden. Kan han få trygghetsalarm?',
      departmentCode: 'helse',
    });
    await citizenWrites(s, {
      channel: 'web',
      from: { email: 'ali@example.no', name: 'Ali Karimi' },
      subject: 'Skjema: hjelpemidler',
      body: 'Søker om rullator og dusjkrakk etter hofteoperasjon.',
      departmentCode: 'helse',
    });
    await citizenSends(s, { from: '+4795555555', to: HELSE_NUMBER, body: 'Takk for hjelpen i går! Hjemmetjenesten var veldig flinke.' });

    kari = await openPage(browser, s.url);
    ola = await openPage(browser, s.url);
    siv = await openPage(browser, s.url);
    await logIn(kari.page, s.url, 'kari.helse@kommune.no');
    await logIn(ola.page, s.url, 'ola.helse@kommune.no');
    await logIn(siv.page, s.url, 'siv.saksbehandler@kommune.no');
    for (const w of [kari, ola, siv]) await w.page.locator('.live.on').waitFor({ timeout: 15_000 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await standin?.close();
  });
  afterEach(() => {
    for (const w of pages()) {
      expect(w.dialogs).toEqual([]);
      expect(w.foreign).toEqual([]);
      expect(w.csp).toEqual([]);
    }
  });

  it('sends the presence switch to the server as agent:status', async () => {
    const statusOf = async (id: number) => (await s.app.agents.namespace.fetchSockets()).find((x) => x.data.userId === id)?.data.status;
    for (const [w, id] of [
      [kari, userIds.kari!],
      [ola, userIds.ola!],
    ] as const) {
      await w.page.getByLabel('Tilgjengelig').check();
      await eventually(async () => (await statusOf(id)) === 'available', `user ${id} available at the server`, 5000, 50);
    }
  });

  it('rings a call the menu routed to the department in both agents’ browsers; one accepts and gets the pop, the other’s ring stops', async () => {
    const call = caller(s.url, '+47 911 11 111');
    ids.callSid = call.callSid;
    const greeting = await call.ring();
    expect(greeting.status).toBe(200);
    expect(greeting.heard).toContain('For HELSE, trykk 2.');
    const queued = await call.press('2');
    expect(findAll(queued.twiml!, 'Enqueue')[0].text).toBe('dept-helse');
    expect((await call.hold()).status).toBe(200);

    const atKari = kari.page.locator(`.call[data-call-sid="${call.callSid}"]`);
    const atOla = ola.page.locator(`.call[data-call-sid="${call.callSid}"]`);
    for (const ring of [atKari, atOla]) {
      await ring.getByRole('button', { name: 'Svar' }).waitFor({ timeout: 8000 });
      await expect(ring.innerText()).resolves.toMatch(/Nora Nordmann[\s\S]*\+4791111111[\s\S]*helse/);
    }
    expect(await kari.page.title()).toMatch(/^☎/);
    expect(await ola.page.title()).toMatch(/^☎/);
    // The caseworker is not in the queue's audience: nothing rings there.
    expect(await siv.page.locator(`.call[data-call-sid="${call.callSid}"]`).count()).toBe(0);

    await atKari.getByRole('button', { name: 'Svar' }).click();
    const pop = kari.page.locator(`.pop[data-call-sid="${call.callSid}"]`);
    await pop.waitFor({ timeout: 8000 });
    await expect(pop.innerText()).resolves.toMatch(
      /Nora Nordmann[\s\S]*\+4791111111[\s\S]*2026\/1234[\s\S]*Søknad om hjemmesykepleie[\s\S]*Under behandling[\s\S]*gjelder sak 2026\/1234/,
    );
    expect(await atKari.count()).toBe(0);
    expect(await kari.page.title()).not.toMatch(/^☎/);

    // The colleague's ring stops (call:taken) and says who took it; no pop there.
    await atOla.getByText('Tatt av kari helse').waitFor({ timeout: 8000 });
    expect(await atOla.locator('button').count()).toBe(0);
    expect(await atOla.getAttribute('class')).toContain('taken');
    expect(await ola.page.title()).not.toMatch(/^☎/);
    expect(await ola.page.locator('.pop').count()).toBe(0);
    await atOla.waitFor({ state: 'detached', timeout: 8000 });

    // The call was moved to the winner's Twilio Client identity through the stand-in.
    // The move runs beside the pop, so it may land a moment after the accept.
    const moved = await eventually(() => {
      const m = standin.calls.filter((c) => c.callSid === call.callSid);
      return m.length ? m : null;
    }, 'the call moved to the agent by REST');
    expect(moved).toHaveLength(1);
    expect(findAll(findAll(readTwiml(moved[0].twiml!), 'Dial')[0], 'Client')[0].text).toBe(`user-${userIds.kari}`);
    await screenshot(kari.page, 'screen-pop');
  });

  it('transfers with a note: the caseworker’s browser shows the pop with the note and who sent it', async () => {
    const pop = kari.page.locator(`.pop[data-call-sid="${ids.callSid}"]`);
    const answer = kari.page.waitForResponse((r) => r.url().endsWith(`/api/calls/${ids.callSid}/transfer`) && r.request().method() === 'POST');
    await pop.getByLabel('Til en kollega (e-post)').fill('siv.saksbehandler@kommune.no');
    await pop.getByLabel('Notat').fill('Lurer på status i søknaden, har ringt to ganger før.');
    await pop.getByRole('button', { name: 'Sett over' }).click();
    const res = await answer;
    expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({
      toUserEmail: 'siv.saksbehandler@kommune.no',
      note: 'Lurer på status i søknaden, har ringt to ganger før.',
    });
    expect(res.status()).toBe(200);
    await pop.getByRole('status').getByText('Samtalen er satt over.').waitFor();

    const atSiv = siv.page.locator(`.pop[data-call-sid="${ids.callSid}"]`);
    await atSiv.waitFor({ timeout: 8000 });
    const note = atSiv.locator('.transfer-note');
    await expect(note.innerText()).resolves.toMatch(/Satt over av kari helse[\s\S]*Lurer på status i søknaden, har ringt to ganger før\./);
    await expect(atSiv.innerText()).resolves.toMatch(/Nora Nordmann[\s\S]*2026\/1234[\s\S]*Under behandling/);
    expect(await ola.page.locator('.pop').count()).toBe(0);
    // Moved on through the stand-in to the caseworker's Client identity.
    expect(findAll(findAll(readTwiml(standin.calls.at(-1)!.twiml!), 'Dial')[0], 'Client')[0].text).toBe(`user-${userIds.siv}`);
    await screenshot(siv.page, 'screen-pop-transfer');

    // A second transfer by the agent who no longer holds the call is refused, and the pop says so.
    await pop.getByLabel('Til en kollega (e-post)').fill('ola.helse@kommune.no');
    await pop.getByLabel('Notat').fill('Igjen');
    await pop.getByRole('button', { name: 'Sett over' }).click();
    await pop.getByRole('alert').waitFor();
  });

  it('opens the contact and the case from the pop, each with their inquiries', async () => {
    await kari.page.locator(`.pop[data-call-sid="${ids.callSid}"]`).first().getByRole('link', { name: '2026/1234', exact: true }).click();
    await kari.page.locator('#case-title', { hasText: 'Sak 2026/1234' }).waitFor();
    await kari.page.locator('.lead', { hasText: 'Søknad om hjemmesykepleie' }).waitFor();
    await kari.page.locator('main').getByRole('link', { name: 'Nora Nordmann' }).click();
    await kari.page.locator('#contact-title', { hasText: 'Nora Nordmann' }).waitFor();
    await kari.page.getByText('+4791111111').first().waitFor();
    await kari.page
      .locator('main')
      .getByRole('link', { name: /når får jeg svar/ })
      .click();
    await kari.page.waitForURL(`**/#/inquiries/${ids.inquiry}`);
  });

  // Outbound SMS made through the server's own API (POST /api/sms/messages, handed to the Twilio
  // stand-in) and followed by signed delivery reports, so the view reads the real list and history.
  /**
   * A code for the officer's next log-in. Each code works once, and this suite logs the officer in
   * several times within one 30 s step, so the fixture forgets the step last used (as makeUser
   * writes the secret directly) instead of waiting for the next one.
   */
  const officerCode = async () => {
    await s.app.db.transaction((m) => m.query("UPDATE users SET totp_last_step = NULL WHERE email = 'anne.officer@kommune.no'"));
    return authenticator.generate(OFFICER_TOTP);
  };
  const sent: Record<'delivered' | 'undelivered' | 'queued' | 'failed', { id: number; externalId: string }> = {} as never;
  it('shows an officer the SMS their department sent, from the real list endpoint', async () => {
    const admin = await s.user('sms.admin@kommune.no', 'admin', []);
    const ops = await s.api('PUT', '/api/sms/operators', {
      token: admin.token,
      body: {
        items: [
          { prefix: '+4791', operator: 'Telenor' },
          { prefix: '+4792', operator: 'Ice' },
          { prefix: '+4793', operator: 'Telia' },
          { prefix: '+467', operator: 'Telia' },
        ],
      },
    });
    expect(ops.status).toBe(200);
    // One recipient below is Swedish: sends go only to allowed countries.
    expect((await s.api('PUT', '/api/sms/country-allowlist', { token: admin.token, body: { countries: ['SE'] } })).status).toBe(200);
    // Officers send in bulk, so they must have enrolled TOTP; the API log-in uses this step's code.
    await makeUser(s, 'anne.officer@kommune.no', 'officer', ['helse'], OFFICER_TOTP);
    const login = await s.api('POST', '/api/auth/login', { body: { email: 'anne.officer@kommune.no', password: TEST_PASSWORD, totp: await officerCode() } });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const send = async (to: string[], body: string) => {
      const r = await s.api('POST', '/api/sms/messages', { token, body: { to, body, from: HELSE_NUMBER } });
      expect(r.status).toBe(201);
      return r.body.items as { id: number; to: string; status: string; externalId: string }[];
    };
    const [a, b, c] = await send(['+4791111111', '+4792222222', '+4793333333'], 'Vann, "stengt", i dag');
    const [d] = await send(['+46701234567'], '=HYPERLINK("x")');
    expect([a, b, c, d].map((x) => x.status)).toEqual(['queued', 'queued', 'queued', 'queued']);
    Object.assign(sent, { delivered: a, undelivered: b, queued: c, failed: d });
    await providerReports(s, { messageSid: a.externalId, status: 'sent' });
    await providerReports(s, { messageSid: a.externalId, status: 'delivered', doneDate: '2605101234' });
    await providerReports(s, { messageSid: b.externalId, status: 'undelivered', errorCode: '30003' });
    await providerReports(s, { messageSid: d.externalId, status: 'failed', errorCode: '30006' });

    const list = await s.api('GET', '/api/sms/messages', { token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: number; status: string }) => [x.id, x.status])).toEqual([
      [d.id, 'failed'],
      [c.id, 'queued'],
      [b.id, 'undelivered'],
      [a.id, 'delivered'],
    ]);

    const officer = await openPage(browser, s.url);
    await logIn(officer.page, s.url, 'anne.officer@kommune.no', { code: await officerCode() });
    await officer.page.locator('#status-title').waitFor();
    const row = officer.page.locator(`tr[data-message-id="${a.id}"]`);
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/Levert[\s\S]*\+4791111111[\s\S]*\+4759440002[\s\S]*NO[\s\S]*Telenor/);
    expect(await officer.page.locator('tr[data-message-id]').count()).toBe(4);
    expect(await officer.page.locator('[data-testid="status-unavailable"]').count()).toBe(0);
    expect(await officer.page.locator('nav').getByRole('link', { name: 'Innboks' }).count()).toBe(0);
    await officer.context.close();
    expect(officer.dialogs).toEqual([]);
    expect(officer.foreign).toEqual([]);
    expect(officer.csp).toEqual([]);
  });

  it('lists deliveries with a chart per day, exports CSV, and shows one message’s event history', async () => {
    const officer = await openPage(browser, s.url);
    const asked: string[] = [];
    const chartAsked: string[] = [];
    officer.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/sms/messages') asked.push(u.search);
      if (u.pathname === '/api/sms/messages/days') chartAsked.push(u.search);
    });
    await logIn(officer.page, s.url, 'anne.officer@kommune.no', { code: await officerCode() });
    await officer.page.locator(`tr[data-message-id="${sent.delivered.id}"]`).waitFor();
    // One day, four statuses: delivered, undelivered, queued, failed; counted by the server in Oslo's days.
    await officer.page.locator('.chart rect.bar').first().waitFor();
    expect(await officer.page.locator('.chart rect.bar').count()).toBe(4);
    expect(chartAsked).toHaveLength(1);

    const yesterday = new Date(Date.now() - 86_400_000);
    const day = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
    await officer.page.locator('.status-view select[name=status]').selectOption('failed');
    await officer.page.getByLabel('Land').fill('se');
    await officer.page.locator('.status-view input[name=from]').fill(day);
    const filtered = officer.page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/sms/messages' && new URL(r.url()).searchParams.get('status') === 'failed',
    );
    await officer.page.getByRole('button', { name: 'Bruk' }).click();
    expect((await filtered).status()).toBe(200);
    const q = new URLSearchParams(asked.at(-1));
    expect([q.get('status'), q.get('country'), new Date(q.get('from')!).getTime()]).toEqual(['failed', 'se', new Date(`${day}T00:00:00`).getTime()]);
    await officer.page.locator(`tr[data-message-id="${sent.delivered.id}"]`).waitFor({ state: 'detached' });
    expect(await officer.page.locator('tr[data-message-id]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-message-id'))))).toEqual([
      sent.failed.id,
    ]);
    await expect(officer.page.locator(`tr[data-message-id="${sent.failed.id}"]`).innerText()).resolves.toMatch(
      /Feilet[\s\S]*\+46701234567[\s\S]*SE[\s\S]*Telia/,
    );

    // Back to everything, then the server's CSV of every matching message (semicolons, UTF-8 with BOM).
    await officer.page.locator('.status-view select[name=status]').selectOption('');
    await officer.page.getByLabel('Land').fill('');
    await officer.page.locator('.status-view input[name=from]').fill('');
    await officer.page.getByRole('button', { name: 'Bruk' }).click();
    await officer.page.locator(`tr[data-message-id="${sent.delivered.id}"]`).waitFor();
    const download = officer.page.waitForEvent('download');
    await officer.page.getByRole('button', { name: 'Eksporter CSV' }).click();
    const csv = fs.readFileSync((await (await download).path())!, 'utf8');
    const lines = csv.split('\r\n').filter(Boolean);
    // Numbers start with +, so the CSV guard against spreadsheet formulas quotes them with a leading '.
    expect(lines[0]).toBe('\uFEFFid;created_at;updated_at;status;sender;recipient;country;operator;send_id;provider_id;body');
    expect(lines).toHaveLength(5);
    expect(csv).toContain(`'=HYPERLINK(""x"")`);
    expect(csv).toContain('Vann, ""stengt"", i dag');
    expect(lines.find((l) => l.startsWith(`${sent.undelivered.id};`))).toMatch(/;undelivered;'\+4759440002;'\+4792222222;NO;Ice;\d+;SM[0-9a-f]{32};/);

    await officer.page.locator(`tr[data-message-id="${sent.delivered.id}"]`).getByRole('link').click();
    const history = officer.page.locator('.history');
    await history.waitFor();
    await expect(history.innerText()).resolves.toMatch(/\+4791111111[\s\S]*I kø[\s\S]*Sendt[\s\S]*Levert[\s\S]*operatorDoneAt: 2605101234/);
    await screenshot(officer.page, 'status');
    await officer.context.close();
    expect(officer.dialogs).toEqual([]);
    expect(officer.foreign).toEqual([]);
    expect(officer.csp).toEqual([]);
  });
});
