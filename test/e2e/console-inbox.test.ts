import type { Browser, Page } from 'playwright-core';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { PUBLIC_BASE_URL, startSmsRestStandin } from '../support/twilio-standin';
import { browserAvailable, buildConsole, launch, openPage, screenshot, type Watched } from './browser';
import { eventually, sleep } from '../support/eventually';
import { citizenSends, citizenWrites, logIn, makeUser, smsNumber } from './helpers';

const run = browserAvailable() ? describe : describe.skip;

/** Marks the document, so a later check can tell that no navigation or reload happened. */
const mark = (page: Page) => page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
const stillMarked = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

const HELSE_NUMBER = '+4759440002';
const SKATT_NUMBER = '+4759440003';

/*
 * The server runs with Twilio credentials and TWILIO_API_URL pointing at the local stand-in for
 * Twilio's Messages API (test/support/twilio-standin.ts): citizens' texts arrive at the signed
 * webhook, agents' replies leave through the twilio SDK to the stand-in, and the stand-in's signed
 * status callbacks come back to /webhooks/twilio/sms/status.
 */
run('console: inbox, timeline and replies (Chromium)', () => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let browser: Browser;
  let helse: Watched;
  let skatt: Watched;
  const ids: { sms?: number; smsMessage?: number; email?: number; anonymous?: number } = {};

  beforeAll(async () => {
    buildConsole();
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engines()[0], { env: standin.env });
    browser = await launch();
    await makeUser(s, 'kari.helse@kommune.no', 'agent', ['helse']);
    await makeUser(s, 'per.skatt@kommune.no', 'agent', ['skatt']);
    await smsNumber(s, 'helse', HELSE_NUMBER);
    await smsNumber(s, 'skatt', SKATT_NUMBER);
    helse = await openPage(browser, s.url);
    skatt = await openPage(browser, s.url);
    await logIn(helse.page, s.url, 'kari.helse@kommune.no');
    await logIn(skatt.page, s.url, 'per.skatt@kommune.no');
    for (const w of [helse, skatt]) {
      await w.page.locator('#inbox-title').waitFor();
      await w.page.locator('.live.on').waitFor();
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await standin?.close();
  });
  afterEach(() => {
    for (const w of [helse, skatt]) {
      expect(w.dialogs).toEqual([]);
      expect(w.foreign).toEqual([]);
      expect(w.csp).toEqual([]);
    }
  });

  it('shows an SMS posted to the signed webhook as an inbox row within a second, without reloading, only in its department', async () => {
    await mark(helse.page);
    await mark(skatt.page);
    const started = Date.now();
    const r = await citizenSends(s, {
      from: '+4791234567',
      to: HELSE_NUMBER,
      body: 'Hei! Jeg lurer på når hjemmesykepleien kommer i morgen, mor trenger hjelp med medisinene før klokka åtte.',
    });
    ids.sms = r.inquiryId;
    ids.smsMessage = r.messageId;
    const row = helse.page.locator(`[data-inquiry-id="${r.inquiryId}"]`);
    await row.waitFor({ timeout: Math.max(1, 1000 - (Date.now() - started)) });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await stillMarked(helse.page)).toBe(true);
    await expect(row.innerText()).resolves.toContain('hjemmesykepleien');

    // The other department's agent gets nothing, live or on reload, and the API hides it too.
    await sleep(400);
    expect(await skatt.page.locator(`[data-inquiry-id="${r.inquiryId}"]`).count()).toBe(0);
    expect(await stillMarked(skatt.page)).toBe(true);
    await skatt.page.reload();
    await skatt.page.locator('#inbox-title').waitFor();
    await sleep(300);
    expect(await skatt.page.locator(`[data-inquiry-id="${r.inquiryId}"]`).count()).toBe(0);
    const token = await s.login('per.skatt@kommune.no');
    expect((await s.api('GET', `/api/inquiries/${r.inquiryId}`, { token })).status).toBe(404);
  });

  it('reloads the list after a dropped connection, so an inquiry pushed meanwhile is not lost', async () => {
    await mark(helse.page);
    for (const socket of await s.app.agents.namespace.fetchSockets()) {
      // The transport drops as on a network failure; the client reconnects by itself.
      if (socket.data.departmentIds.includes(await s.department('helse')))
        (s.app.agents.namespace.sockets.get(socket.id)?.conn as { close(): void } | undefined)?.close();
    }
    const r = await citizenSends(s, { from: '+4791234000', to: HELSE_NUMBER, body: 'Sendt mens agenten var frakoblet.' });
    await helse.page.locator(`[data-inquiry-id="${r.inquiryId}"]`).waitFor({ timeout: 8000 });
    expect(await stillMarked(helse.page)).toBe(true);
    await helse.page.locator('.live.on').waitFor();
  });

  it('renders an e-mail carrying an XSS payload as inert text, also in the formatted view', async () => {
    const payload = '<script>window.__xss = 1; alert("xss")</script><img src=x onerror="window.__xss = 2; alert(2)">';
    const r = await citizenWrites(s, {
      channel: 'email',
      from: { email: 'innbygger@example.no', name: 'Ida Innbygger' },
      subject: `Søknad <img src=x onerror=alert(3)>`,
      body: `Hei, se vedlegg. ${payload}`,
      bodyHtml: `<p>Hei, se vedlegg.</p>${payload}<a href="javascript:alert(4)">lenke</a>`,
      departmentCode: 'helse',
    });
    ids.email = r.inquiryId;
    const row = helse.page.locator(`[data-inquiry-id="${r.inquiryId}"]`);
    await row.waitFor({ timeout: 1000 });
    await row.click();
    const body = helse.page.locator('.timeline .body').first();
    await body.waitFor();
    await expect(body.innerText()).resolves.toContain('<script>window.__xss = 1;');
    await helse.page.getByRole('button', { name: 'Vis formatert e-post' }).click();
    const frame = helse.page.locator('iframe.mail-frame');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    // The test records the e-mail straight through the inbound service, which stores the HTML as
    // given (only the IMAP intake sanitises), so the sandbox is all that stands between it and the page.
    const stored = (await s.api('GET', `/api/inquiries/${r.inquiryId}`, { token: await s.login('kari.helse@kommune.no') })).body;
    expect(stored.timeline[0].bodyHtml).toContain('<script>window.__xss = 1;');
    expect(stored.timeline[0].bodyHtml).toContain('<a href="javascript:alert(4)">lenke</a>');
    const sandboxed = /Blocked script execution in 'about:srcdoc'.*sandboxed/;
    // The <script> and the onerror handler: the browser reports refusing each.
    await eventually(() => helse.problems.filter((p) => sandboxed.test(p)).length >= 2, 'the sandbox refusing the script and the onerror handler', 5000);
    expect(helse.csp).toEqual([]);

    // Click the hostile link with a real mouse. Playwright's locator.click cannot act inside a frame
    // whose scripts are off (sandbox=""), so the point comes from the frame's box plus the link's
    // box inside it, read through Playwright's own isolated world.
    const link = frame.contentFrame().getByText('lenke');
    expect(await link.getAttribute('href')).toBe('javascript:alert(4)');
    await frame.scrollIntoViewIfNeeded();
    const frameBox = (await frame.boundingBox())!;
    const linkBox = await link.evaluate((a) => {
      const b = a.getBoundingClientRect();
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    });
    const edge = await frame.evaluate((f) => ({ left: f.clientLeft, top: f.clientTop }));
    await helse.page.mouse.click(frameBox.x + edge.left + linkBox.x, frameBox.y + edge.top + linkBox.y);
    // Proof the click landed and followed the link: the browser refuses to run the javascript: URL
    // under the page's CSP, which srcdoc frames inherit. No other click causes this message.
    await eventually(() => helse.csp.length > 0, 'the javascript: link being refused after the click', 5000);
    expect(helse.csp).toHaveLength(1);
    expect(helse.csp[0]).toMatch(/Running the JavaScript URL violates the following Content Security Policy directive 'script-src 'self''/);
    expect(await helse.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(helse.dialogs).toEqual([]);
    // That one violation is the hostile link's, asserted above; afterEach checks the console caused none.
    helse.csp.length = 0;
    expect(await helse.page.locator('#inquiry-title').innerText()).toContain('<img src=x onerror=alert(3)>');
    await screenshot(helse.page, 'inquiry-email');
  });

  it('shows the API refusing a reply clearly, and keeps the text', async () => {
    // A web form whose citizen left neither e-mail nor phone: there is nobody to reply to.
    const r = await citizenWrites(s, {
      channel: 'web',
      from: { name: 'Anonym' },
      subject: 'Tips om hull i veien',
      body: 'Stort hull i veien ved skolen.',
      departmentCode: 'helse',
    });
    ids.anonymous = r.inquiryId;
    const before = standin.messages.length;
    await helse.page.goto(`${s.url}/#/inquiries/${r.inquiryId}`);
    const reply = helse.page.getByLabel('Svar på Nettskjema');
    await reply.fill('Takk for tipset!');
    const answer = helse.page.waitForResponse((res) => res.url().endsWith(`/api/inquiries/${r.inquiryId}/messages`) && res.request().method() === 'POST');
    await helse.page.getByRole('button', { name: 'Send', exact: true }).click();
    const res = await answer;
    expect(res.status()).toBe(409);
    expect((await res.json()).error.code).toBe('no_citizen_address');
    const error = helse.page.locator('[data-testid="reply-error"]');
    await error.waitFor();
    await expect(error.innerText()).resolves.toContain('Innbyggeren oppga ingen adresse');
    await expect(error.innerText()).resolves.toContain('Ingenting ble sendt');
    expect(await reply.inputValue()).toBe('Takk for tipset!');
    expect(standin.messages.length).toBe(before);
    await screenshot(helse.page, 'reply-refused');
  });

  it('opens a row with Enter, counts SMS segments while typing, sends the reply through the stand-in and follows its delivery reports', async () => {
    await helse.page.goto(`${s.url}/#/inbox`);
    const row = helse.page.locator(`[data-inquiry-id="${ids.sms}"]`);
    await row.focus();
    await helse.page.keyboard.press('Enter');
    await helse.page.waitForURL(`**/#/inquiries/${ids.sms}`);
    const reply = helse.page.getByLabel('Svar på SMS');
    await reply.fill('Hei, hjemmesykepleien kommer kl. 07.30. Hilsen Kari');
    await expect(helse.page.locator('#sms-counter').innerText()).resolves.toMatch(/1 SMS · GSM-7/);
    await reply.fill('x'.repeat(161));
    await expect(helse.page.locator('#sms-counter').innerText()).resolves.toMatch(/161 tegn · 2 SMS · GSM-7/);
    await reply.fill('Hei 😀 vi ringer deg');
    await expect(helse.page.locator('#sms-counter').innerText()).resolves.toMatch(/1 SMS · UCS-2/);
    await helse.page.getByText('Tegn som krever UCS-2: 😀').waitFor();

    const before = standin.messages.length;
    const answer = helse.page.waitForResponse((res) => res.url().endsWith(`/api/inquiries/${ids.sms}/messages`) && res.request().method() === 'POST');
    await helse.page.getByRole('button', { name: 'Send', exact: true }).click();
    const res = await answer;
    expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({ body: 'Hei 😀 vi ringer deg' });
    expect(res.status()).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({ direction: 'out', status: 'queued', from: HELSE_NUMBER, to: '+4791234567' });

    // It reached the stand-in through the twilio SDK, from the department's number to the citizen.
    expect(standin.messages.length).toBe(before + 1);
    const sent = standin.messages.at(-1)!;
    expect(sent.params).toEqual({
      From: HELSE_NUMBER,
      To: '+4791234567',
      Body: 'Hei 😀 vi ringer deg',
      StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/sms/status`,
    });
    expect(created.externalId).toBe(sent.sid);

    // The console shows it on the timeline, queued, and clears the composer.
    const entry = helse.page.locator(`.timeline .entry[data-message-id="${created.id}"]`);
    await entry.waitFor();
    await expect(entry.innerText()).resolves.toMatch(/Sendt[\s\S]*Fra: \+4759440002[\s\S]*Til: \+4791234567[\s\S]*I kø[\s\S]*Hei 😀 vi ringer deg/);
    expect(await reply.inputValue()).toBe('');
    expect(await helse.page.locator('[data-testid="reply-error"]').count()).toBe(0);
    // The reply left the inquiry waiting for the citizen, and the header says so without a reload.
    await helse.page.locator('.facts .badge.st-waiting', { hasText: 'Venter' }).waitFor({ timeout: 5000 });

    // The stand-in's signed status callbacks arrive; the badge follows them without a reload.
    await mark(helse.page);
    expect(await standin.report(sent.sid, 'sent')).toBe(200);
    await entry.locator('.badge.ms-sent').waitFor({ timeout: 8000 });
    expect(await standin.report(sent.sid, 'delivered')).toBe(200);
    await entry.locator('.badge.ms-delivered').waitFor({ timeout: 8000 });
    expect(await stillMarked(helse.page)).toBe(true);
    await entry.locator('.entry-head button', { hasText: 'Levert' }).click();
    const history = entry.locator('.history');
    await history.waitFor();
    await expect(history.innerText()).resolves.toMatch(/I kø[\s\S]*Sendt[\s\S]*Levert/);
    await screenshot(helse.page, 'inquiry-sms-delivered');
  });

  it('assigns, adds an internal note and closes the inquiry', async () => {
    await helse.page.getByRole('button', { name: 'Ta selv' }).click();
    await helse.page.locator('.facts', { hasText: 'kari helse' }).waitFor();
    await helse.page.getByLabel('Internt notat').fill('Ringte datteren, hun følger opp.');
    await helse.page.getByRole('button', { name: 'Legg til notat' }).click();
    await helse.page.locator('.entry.note', { hasText: 'Ringte datteren' }).waitFor();
    await screenshot(helse.page, 'inquiry');
    await helse.page.getByRole('button', { name: 'Lukk henvendelsen' }).click();
    await helse.page.getByRole('button', { name: 'Åpne igjen' }).waitFor();
    const token = await s.login('kari.helse@kommune.no');
    const q = (await s.api('GET', `/api/inquiries/${ids.sms}`, { token })).body;
    expect(q.state).toBe('closed');
    expect(q.assignee?.name).toBe('kari helse');
    expect(q.timeline.some((m: { kind: string; body: string }) => m.kind === 'note' && m.body.startsWith('Ringte datteren'))).toBe(true);
  });

  it('filters the inbox by channel and assignee', async () => {
    await helse.page.goto(`${s.url}/#/inbox`);
    await helse.page.getByLabel('Kanal').selectOption('email');
    await helse.page.locator(`[data-inquiry-id="${ids.sms}"]`).waitFor({ state: 'detached' });
    await helse.page.locator(`[data-inquiry-id="${ids.email}"]`).waitFor();
    await helse.page.getByLabel('Kanal').selectOption('');
    await helse.page.getByLabel('Saksbehandler').selectOption('me');
    await helse.page.locator(`[data-inquiry-id="${ids.email}"]`).waitFor({ state: 'detached' });
    await helse.page.locator(`[data-inquiry-id="${ids.sms}"]`).waitFor();
    await helse.page.getByLabel('Saksbehandler').selectOption('');
    await helse.page.locator(`[data-inquiry-id="${ids.email}"]`).waitFor();
    await screenshot(helse.page, 'inbox');
    await helse.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(helse.page, 'inbox-narrow');
    const overflow = await helse.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await helse.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('is usable from the keyboard: Tab reaches a row with a visible focus ring, Enter opens it, every control is labelled', async () => {
    const unlabelled = () =>
      helse.page.evaluate(() =>
        Array.from(document.querySelectorAll('input, select, textarea'))
          .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
          .map((el) => el.outerHTML),
      );
    await helse.page.goto(`${s.url}/#/inbox`);
    await helse.page.locator(`[data-inquiry-id="${ids.email}"]`).waitFor();
    expect(await unlabelled()).toEqual([]);
    let onRow = false;
    for (let i = 0; i < 40 && !onRow; i++) {
      await helse.page.keyboard.press('Tab');
      onRow = await helse.page.evaluate(() => document.activeElement?.hasAttribute('data-inquiry-id') ?? false);
    }
    expect(onRow).toBe(true);
    const ring = await helse.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(ring).toBe('solid');
    const id = await helse.page.evaluate(() => document.activeElement!.getAttribute('data-inquiry-id'));
    await helse.page.keyboard.press('Enter');
    await helse.page.waitForURL(`**/#/inquiries/${id}`);
    await helse.page.locator('.timeline').waitFor();
    // The page moves focus to its heading once it has rendered; wait for that, then check where focus is.
    await helse.page.waitForFunction(() => document.activeElement?.id === 'inquiry-title', undefined, { timeout: 5000 }).catch(() => undefined);
    expect(await helse.page.evaluate(() => document.activeElement?.id)).toBe('inquiry-title');
    expect(await unlabelled()).toEqual([]);
  });

  it('pages a long timeline (Show earlier messages) and fetches a long body whole on request', async () => {
    const long = `${'Lang tekst. '.repeat(400)}SLUTTEN`;
    const first = await citizenWrites(s, {
      channel: 'email',
      from: { email: 'lang@example.no' },
      subject: 'Mange meldinger',
      body: long,
      departmentCode: 'helse',
    });
    for (let i = 1; i <= 54; i++)
      await s.app.inbound.record({
        channel: 'email',
        externalId: `E2E-page-${i}`,
        from: { email: 'lang@example.no' },
        to: 'post@kommune.no',
        body: `Melding ${i}`,
        receivedAt: new Date(),
        thread: { inquiryId: first.inquiryId },
      });
    await helse.page.goto(`${s.url}/#/inquiries/${first.inquiryId}`);
    const entries = helse.page.locator('.timeline [data-message-id]');
    await helse.page.locator(`.timeline [data-message-id]`).first().waitFor();
    await eventually(async () => (await entries.count()) === 50, 'the newest page of 50');
    await helse.page.getByRole('button', { name: 'Vis tidligere meldinger' }).click();
    await eventually(async () => (await entries.count()) === 55, 'all 55 after loading the earlier ones');
    await helse.page.getByRole('button', { name: 'Vis tidligere meldinger' }).waitFor({ state: 'detached' });
    const oldest = helse.page.locator(`[data-message-id="${first.messageId}"]`);
    expect(await oldest.locator('.body').innerText()).not.toContain('SLUTTEN');
    await oldest.getByRole('button', { name: 'Vis hele meldingen' }).click();
    await eventually(async () => (await oldest.locator('.body').innerText()).endsWith('SLUTTEN'), 'the whole body');
  });

  it('flags a message naming another citizen’s inquiry, and a case its sender is no party on, in the row and on the inquiry', async () => {
    const feed = (await s.user('sak.flagg@kommune.no', 'integration', [])).token;
    const put = { title: 'Tilskudd', status: 'Mottatt', department: 'helse', contacts: [{ phone: '+4791230001', role: 'søker' }] };
    expect((await s.api('PUT', `/api/cases/${encodeURIComponent('2026/4242')}`, { token: feed, body: put })).status).toBe(201);
    await helse.page.goto(`${s.url}/#/inbox`);
    await helse.page.locator('.live.on').waitFor();
    // The list has loaded, so the rows below arrive by push, as they would on a desk left open.
    await helse.page.locator(`[data-inquiry-id="${ids.email}"]`).waitFor();
    const own = await citizenWrites(s, { channel: 'email', from: { email: 'eier@example.no' }, subject: 'Min søknad', body: 'Hei', departmentCode: 'helse' });
    const stranger = await citizenWrites(s, {
      channel: 'email',
      from: { email: 'fremmed@example.net' },
      subject: 'Re: Min søknad',
      body: 'Send meg alt om sak 2026/4242',
      thread: { inquiryId: own.inquiryId },
      departmentCode: 'helse',
    });
    const party = await citizenSends(s, { from: '+4791230001', to: HELSE_NUMBER, body: 'Hva er status på sak 2026/4242?' });

    const flags = async (inquiryId: number) => {
      const row = helse.page.locator(`[data-inquiry-id="${inquiryId}"]`);
      await row.waitFor({ timeout: 5000 });
      return {
        refers: await row.locator('[data-flag="refers-to"]').allInnerTexts(),
        mentioned: await row.locator('[data-flag="case-mentioned"]').allInnerTexts(),
        verified: await row.locator('.badge.case').allInnerTexts(),
      };
    };
    const expected = {
      [stranger.inquiryId]: {
        refers: [expect.stringContaining(`#${own.inquiryId} — avsenderen er ikke innbyggeren`)],
        mentioned: [expect.stringContaining('2026/4242')],
        verified: [],
      },
      [own.inquiryId]: { refers: [], mentioned: [], verified: [] },
      [party.inquiryId]: { refers: [], mentioned: [], verified: ['2026/4242'] },
    };
    // Pushed live, then the same after a reload, when the rows come from GET /api/inquiries.
    for (const pass of ['live', 'reloaded']) {
      if (pass === 'reloaded') await helse.page.reload();
      for (const [id, want] of Object.entries(expected)) expect({ pass, id, ...(await flags(Number(id))) }).toEqual({ pass, id, ...want });
    }
    await screenshot(helse.page, 'inbox-flags');

    await helse.page.locator(`[data-inquiry-id="${stranger.inquiryId}"]`).click();
    const facts = helse.page.locator('.inquiry-head .facts');
    await facts.locator('[data-flag="refers-to"]').waitFor();
    expect(await facts.locator(`a[href="#/inquiries/${own.inquiryId}"]`).count()).toBe(1);
    await expect(facts.locator('[data-flag="case-mentioned"]').innerText()).resolves.toContain('nevner sak 2026/4242');
    await helse.page.goto(`${s.url}/#/inquiries/${party.inquiryId}`);
    await facts.getByText('bekreftet: avsenderen er part').waitFor();
    expect(await facts.locator('[data-flag]').count()).toBe(0);
  });
});
