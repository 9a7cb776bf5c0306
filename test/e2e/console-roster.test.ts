import type { Browser } from 'playwright-core';
import { authenticator } from 'otplib';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { browserAvailable, buildConsole, launch, openPage, screenshot, type Watched } from './browser';
import { citizenSends, logIn, makeUser } from './helpers';

/*
 * The roster desk in Chromium, against the real server and the Twilio stand-in: an officer of a
 * school browses and searches its roster, picks a group with guardians and sees the live count,
 * sends, then sends the emergency message and watches its progress and the answers come in; the
 * log shows a welcome message with the password masked, and the password is nowhere on the page.
 */
const run = browserAvailable() ? describe : describe.skip;

const OFFICER_TOTP = authenticator.generateSecret(20);
const OFFICER = 'rektor@skole-a.no';
const SCHOOL_NUMBER = '+4759441521';
const PASSWORD = 'Hemmelig-9xQ2!';

run('console: roster desk (Chromium)', () => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let browser: Browser;
  let officer: Watched;

  beforeAll(async () => {
    buildConsole();
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engines()[0], { env: standin.env, jobs: { pollMs: 50 } });
    const unit = await s.department('skole-a');
    await s.department('skole-b');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: unit, channel: 'sms', address: SCHOOL_NUMBER, isDefault: true }, m),
    );
    const ums = (await s.user('ums@skole.no', 'integration', [])).token;
    const put = async (id: string, body: Record<string, unknown>) => {
      const r = await s.api('PUT', `/api/roster/people/${id}`, { token: ums, body: { kind: 'student', unit: 'skole-a', ...body } });
      if (r.status !== 201) throw new Error(`push ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    await put('e1', { name: 'Anna Berg', phone: '+4791520001', groups: ['8A'], guardians: [{ name: 'Mor Berg', phone: '+4791520101' }] });
    await put('e2', { name: 'Bjørn Dahl', phone: '+4791520002', groups: ['8A'] });
    await put('e3', { name: 'Cato Eng', phone: '+4791520003', groups: ['9B'] });
    await put('e4', { name: 'Dina Fjell', phone: '+4791520004', kind: 'staff', groups: ['Lærere'] });
    await put('x1', { name: 'Ute Annen', phone: '+4791520009', unit: 'skole-b', groups: ['8A'] });
    const welcome = await s.api('POST', '/api/roster/people/e1/welcome', { token: ums, body: { account: 'anna.berg', temporaryPassword: PASSWORD } });
    if (welcome.status !== 202) throw new Error(`welcome: ${welcome.status}`);
    await makeUser(s, OFFICER, 'officer', ['skole-a'], OFFICER_TOTP);
    browser = await launch();
    officer = await openPage(browser, s.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await standin?.close();
  });

  it('browses and searches the unit’s roster, sends to a group with guardians, and runs an emergency with answers', async () => {
    const { page } = officer;
    await logIn(page, s.url, OFFICER, { code: authenticator.generate(OFFICER_TOTP) });
    await page.locator('nav').getByRole('link', { name: 'Elevregister' }).click();
    await page.locator('#roster-title').waitFor();
    const rows = page.locator('table.roster-people tbody tr');
    await eventually(async () => (await rows.count()) === 4, 'the four people of skole-a');
    // Only the officer's own unit: the pupil of skole-b is not listed.
    await expect(page.locator('[data-external-id="x1"]').count()).resolves.toBe(0);
    await page.getByLabel('Søk navn, id eller nummer').fill('bjørn');
    await eventually(async () => (await rows.count()) === 1, 'the search');
    await expect(rows.first().getAttribute('data-external-id')).resolves.toBe('e2');
    await page.getByLabel('Søk navn, id eller nummer').fill('');
    await page.getByRole('combobox', { name: 'Gruppe' }).selectOption('8A');
    await eventually(async () => (await rows.count()) === 2, 'the group 8A');

    // Compose to 8A and their guardians: three numbers.
    const count = page.getByTestId('roster-count');
    await page.getByLabel('Melding', { exact: true }).fill('Hei {{name}}, {{group}} har fri fredag.');
    await page.locator('.roster-compose fieldset').first().getByLabel('8A').check();
    await eventually(async () => (await count.getAttribute('data-recipients')) === '2', 'the count for 8A');
    await page.getByLabel('Send til').selectOption('both');
    await eventually(async () => (await count.getAttribute('data-recipients')) === '3', 'the count with guardians');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText(/Utsendelse \d+ laget: 3 mottakere/).waitFor();
    await eventually(() => standin.messages.filter((m) => /har fri fredag/.test(m.params.Body)).length === 3, 'three messages at the stand-in');
    expect(standin.messages.find((m) => m.params.To === '+4791520101')?.params.Body).toBe('Hei Mor Berg, 8A har fri fredag.');

    // The emergency: everyone of the unit and their guardians (5), progress live, answers counted.
    await page.getByLabel('Beredskapstekst').fill('Svar OK hvis du er i sikkerhet');
    await page.getByRole('button', { name: 'Send beredskapsmelding' }).click();
    const progress = page.getByTestId('emergency-progress');
    await progress.waitFor();
    await eventually(async () => (await progress.getAttribute('data-done')) === '5', 'the emergency handed over');
    await citizenSends(s, { from: '+4791520003', to: SCHOOL_NUMBER, body: 'OK' });
    await citizenSends(s, { from: '+4791520101', to: SCHOOL_NUMBER, body: 'ok' });
    await eventually(async () => (await progress.getAttribute('data-answers')) === '2', 'two answers counted');
    await expect(page.getByTestId('emergency-answers').innerText()).resolves.toBe('2 har svart');
    await page.getByText('Har ikke svart (3)').click();
    await page.locator('.roster-emergency li', { hasText: 'Dina Fjell' }).waitFor();

    // The log of account messages: the welcome, masked.
    const log = page.locator('.roster-log tbody tr');
    await expect(log.first().innerText()).resolves.toContain('********');
    await expect(page.content()).resolves.not.toContain(PASSWORD);
    await screenshot(page, 'console-roster');
    expect(officer.problems).toEqual([]);
    expect(officer.foreign).toEqual([]);
  });
});
