import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { authenticator } from 'otplib';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { codeFor, freshClient, startAlertsWorld, type AlertsWorld } from '../alerts/subscriptions-fixture';
import { browserAvailable, buildConsole, launch, openPage, screenshot, type Watched } from './browser';
import { logIn, makeUser } from './helpers';

/*
 * The officer's alert desk in Chromium, against the real server: residents subscribe through the
 * public JSON endpoints, the officer logs in with TOTP, picks a locality by typing it without its
 * diacritics, watches the live count change, sends, and sees the send's progress bar fill as the
 * Twilio stand-in takes the messages.
 *
 * It needs sends to an audience (POST /api/sms/preview and /api/sms/messages with `audience`),
 * which arrive with the broadcast branch; until that is merged the suite says so and is skipped.
 */
const AUDIENCES_SERVED = fs.existsSync(path.resolve(__dirname, '../../server/sms/audience.ts'));
if (!AUDIENCES_SERVED) console.warn('\n*** SKIPPING console-alerts e2e: this server has no sends to an audience yet (server/sms/audience.ts) ***\n');
const run = AUDIENCES_SERVED && browserAvailable() ? describe : describe.skip;

const OFFICER_TOTP = authenticator.generateSecret(20);
const OFFICER = 'ewa.officer@gmina.pl';

run('console: resident alerts desk (Chromium)', () => {
  let w: AlertsWorld;
  let browser: Browser;
  let officer: Watched;
  let n = 0;
  const phone = () => `+4792${String(100000 + ++n).slice(-6)}`;
  const subscribe = async (body: Record<string, unknown>) => {
    const p = phone();
    const r = await w.s.api('POST', '/public/alerts/subscription', { body: { phone: p, code: await codeFor(w, p), ...body }, headers: freshClient() });
    if (r.status !== 200) throw new Error(`subscription ${r.status} ${JSON.stringify(r.body)}`);
    return p;
  };

  beforeAll(async () => {
    buildConsole();
    w = await startAlertsWorld(engines()[0]);
    browser = await launch();
    // Two residents of Skórzewo (the whole locality; one street of it), one of Dopiewo.
    await subscribe({ locality: String(w.ids.skorzewo), categories: ['waste'] });
    await subscribe({ locality: String(w.ids.skorzewo), streets: [String(w.ids.dzialkowa)] });
    await subscribe({ locality: String(w.ids.dopiewo) });
    await makeUser(w.s, OFFICER, 'officer', ['alerts'], OFFICER_TOTP);
    officer = await openPage(browser, w.s.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('composes an alert to a locality found by its folded name, with a live count, and follows its progress', async () => {
    const { page } = officer;
    await logIn(page, w.s.url, OFFICER, { code: authenticator.generate(OFFICER_TOTP) });
    await page.locator('nav').getByRole('link', { name: 'Varsling til innbyggere' }).click();
    await page.locator('#alerts-title').waitFor();

    const count = page.getByTestId('recipient-count');
    await expect(count.getAttribute('data-state')).resolves.toBe('idle');
    await page.getByLabel('Melding').fill('Awaria wodociągu w {{locality}}: brak wody do 18:00.');

    // "skorzewo" without its ó finds Skórzewo; Enter picks it from the list by keyboard.
    const search = page.getByRole('combobox', { name: 'Legg til et helt tettsted (skriv for å søke)' });
    await search.fill('skorzewo');
    await page.getByRole('option', { name: 'Skórzewo' }).waitFor();
    await search.press('ArrowDown');
    await search.press('Enter');
    await page.locator('ul.chips li', { hasText: 'Skórzewo' }).waitFor();
    await eventually(async () => (await count.getAttribute('data-recipients')) === '2', 'the count for Skórzewo');
    await expect(count.innerText()).resolves.toBe('Når 2 mottakere.');
    await expect(count.getAttribute('aria-live')).resolves.toBe('polite');

    await search.fill('dopiewo');
    await page.getByRole('option', { name: 'Dopiewo' }).click();
    await eventually(async () => (await count.getAttribute('data-recipients')) === '3', 'the count for Skórzewo and Dopiewo');
    // UCS-2 (ą, ó), and the server's estimate beside it.
    await expect(page.locator('section.figures').innerText()).resolves.toMatch(/UCS-2/);

    // A street is found within a locality chosen for the search only (not added as a whole).
    await page.getByRole('combobox', { name: 'Velg gater i tettsted (skriv for å søke)' }).fill('SKORZ');
    await page.getByRole('option', { name: 'Skórzewo' }).click();
    const street = page.getByRole('combobox', { name: 'Legg til en gate i Skórzewo' });
    await street.fill('dzialk');
    await page.getByRole('option', { name: 'ul. Działkowa' }).click();
    await page.locator('ul.chips li', { hasText: 'ul. Działkowa, Skórzewo' }).waitFor();
    expect(await page.locator('ul.chips li').count()).toBe(3);

    // The recurrence builder shows the rule it would send; the officer then goes back to "now".
    await page.getByLabel('Gjentakende', { exact: true }).check();
    await page.getByLabel('onsdag').check();
    await expect(page.getByTestId('rrule').innerText()).resolves.toBe('FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=7;BYMINUTE=0;BYSECOND=0');
    await page.getByLabel('Nå', { exact: true }).check();

    // Emergency asks first (the box stays clear until confirmed); cancelling leaves it off.
    await page.getByLabel('Nødvarsel', { exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Sende som nødvarsel?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Avbryt' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(page.getByLabel('Nødvarsel', { exact: true }).isChecked()).resolves.toBe(false);

    // Confirmed, it ignores interests (their boxes are disabled) and says so on the button; then off again.
    await page.getByLabel('Nødvarsel', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Ja, nødvarsel' }).click();
    await expect(page.getByLabel('Nødvarsel', { exact: true }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Odpady').isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Send nødvarsel' }).waitFor();
    await page.getByLabel('Nødvarsel', { exact: true }).click();
    await expect(page.getByLabel('Odpady').isDisabled()).resolves.toBe(false);

    await screenshot(page, 'alerts-compose');
    await page.getByRole('button', { name: 'Send nå' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Utsendelse \d+ laget: 3 mottakere/ })
      .waitFor();

    const row = page.locator('li.send').first();
    const id = Number(await row.getAttribute('data-send-id'));
    expect(id).toBeGreaterThan(0);
    const bar = row.getByRole('progressbar');
    await expect(bar.getAttribute('aria-valuemax')).resolves.toBe('3');
    // Polling fills the bar as the stand-in takes the three messages.
    await eventually(async () => (await bar.getAttribute('aria-valuenow')) === '3', 'the bar full');
    await expect(row.innerText()).resolves.toMatch(/3 av 3 behandlet: 0 levert, 3 sendt, 0 feilet/);
    const alerts = w.standin.messages.filter((m) => /Awaria wodociągu w (Skórzewo|Dopiewo)/.test(m.params.Body));
    expect(alerts).toHaveLength(3);

    // The carrier's reports come in after the send is done; the list keeps asking until they have.
    expect(await w.standin.report(alerts[0].sid, 'delivered')).toBe(200);
    expect(await w.standin.report(alerts[1].sid, 'undelivered', { ErrorCode: '30003' })).toBe(200);
    await eventually(async () => /1 levert, 1 sendt, 1 feilet/.test(await row.innerText()), 'the delivery reports in the bar', 20_000);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'alerts-sends');

    // The send's report, from its link: the live bar and facts, then the server's report of it.
    await row.getByRole('link', { name: `Utsendelse ${id}` }).click();
    await page.locator('#report-title').waitFor();
    await expect(page.getByTestId('report-recipients').innerText()).resolves.toBe('3');
    const report = page.locator('section.sms-reports', { hasText: `Utsending ${id}` });
    await report.locator('dl.figures').waitFor();
    // Figures only the server has: handed to the operator, failures by the operator's reason.
    await expect(report.locator('dl.figures').innerText()).resolves.toMatch(/Sendt til operatør\s+3/);
    await expect(report.innerText()).resolves.toMatch(/30003/);
    const sendCsv = page.waitForEvent('download');
    await report.getByRole('button', { name: 'Last ned CSV' }).click();
    const sendCsvText = fs.readFileSync((await (await sendCsv).path())!, 'utf8');
    expect(sendCsvText.startsWith('\uFEFF')).toBe(true);
    expect(sendCsvText).toMatch(/;/);
    await screenshot(page, 'alerts-send-report');

    // Back on the desk, the period report is the server's (GET /api/sms/reports), with its CSV.
    await page.getByRole('link', { name: 'Tilbake til varsling' }).click();
    const period = page.locator('section.sms-reports', { hasText: 'SMS-rapport' });
    await period.getByRole('button', { name: 'Vis' }).click();
    await eventually(
      async () =>
        /Mottakere\s+3/.test(
          await period
            .locator('dl.figures')
            .innerText()
            .catch(() => ''),
        ),
      'the period report',
    );
    const periodCsv = page.waitForEvent('download');
    await period.getByRole('button', { name: 'Last ned CSV' }).click();
    expect(fs.readFileSync((await (await periodCsv).path())!, 'utf8').startsWith('\uFEFF')).toBe(true);

    expect(officer.dialogs).toEqual([]);
    expect(officer.foreign).toEqual([]);
    expect(officer.csp).toEqual([]);
    expect(officer.problems).toEqual([]);
  }, 60_000);

  it('makes a recurring send that skips holidays, lists it with its next time, and cancels it', async () => {
    const { page } = officer;
    const admin = await w.s.user('admin@gmina.pl', 'admin', []);
    const holidays = { items: [{ day: '2099-12-25', name: 'Boże Narodzenie' }] };
    expect((await w.s.api('PUT', '/api/sms/holidays', { token: admin.token, body: holidays })).status).toBe(200);

    await page.locator('#alerts-title').waitFor();
    await page.getByLabel('Melding').fill('Wywóz odpadów jutro w {{locality}}.');
    await page.getByLabel('Alle abonnenter').check();
    await page.getByLabel('Gjentakende', { exact: true }).check();
    await page.getByLabel('Hopp over helligdager').check();
    // The list the series will skip, as the administrator keeps it.
    await expect(page.getByTestId('holidays').innerText()).resolves.toMatch(/2099-12-25 \(Boże Narodzenie\)/);
    await page.getByRole('button', { name: 'Planlegg' }).click();
    const made = page.getByRole('status').filter({ hasText: /Gjentakende utsendelse \d+ laget/ });
    await made.waitFor();
    const seriesId = Number(/utsendelse (\d+)/.exec(await made.innerText())![1]);

    const row = page.locator(`li[data-series-id="${seriesId}"]`);
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/Uten helligdager/);
    await expect(row.innerText()).resolves.toMatch(/neste gang/);
    await expect(row.locator('code').innerText()).resolves.toBe('FREQ=WEEKLY;BYDAY=MO;BYHOUR=7;BYMINUTE=0;BYSECOND=0');
    const stored = await w.s.api('GET', `/api/sms/series/${seriesId}`, { token: admin.token });
    expect(stored.body).toMatchObject({ state: 'scheduled', skipHolidays: true });

    // Still there after a reload (it is the server's list), then cancelled from it.
    await page.reload();
    await row.waitFor();
    await row.getByRole('button', { name: `Avbryt gjentakende utsendelse ${seriesId}` }).click();
    await row.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .filter({ hasText: `Gjentakende utsendelse ${seriesId} avbrutt.` })
      .waitFor();
    expect((await w.s.api('GET', `/api/sms/series/${seriesId}`, { token: admin.token })).body.state).toBe('cancelled');

    expect(officer.dialogs).toEqual([]);
    expect(officer.csp).toEqual([]);
    expect(officer.problems).toEqual([]);
  }, 60_000);
});
