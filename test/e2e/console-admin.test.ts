import type { Browser } from 'playwright-core';
import { authenticator } from 'otplib';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { browserAvailable, buildConsole, launch, openPage, type Watched } from './browser';
import { logIn, makeUser } from './helpers';

const run = browserAvailable() ? describe : describe.skip;
const ADMIN_TOTP = authenticator.generateSecret(20);

/* The administrator's screens: accounts, departments, the approval queue, the journal's dead letters. */
run('console: administration (Chromium)', () => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let browser: Browser;
  let w: Watched;

  beforeAll(async () => {
    buildConsole();
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engines()[0], { env: standin.env });
    browser = await launch();
    await s.department('teknisk');
    await makeUser(s, 'admin@kommune.no', 'admin', [], ADMIN_TOTP);
    w = await openPage(browser, s.url);
    await logIn(w.page, s.url, 'admin@kommune.no', { code: authenticator.generate(ADMIN_TOTP) });
    await w.page.getByRole('link', { name: /Administrasjon|Administration/ }).click();
    await w.page.locator('#admin-title').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await standin?.close();
  });

  it('creates an account, deactivates it (it can no longer log in) and reactivates it', async () => {
    const form = w.page.locator('form.admin-form').first();
    await form.getByLabel(/^Navn|^Name/).fill('Nina Saksbehandler');
    await form.getByLabel(/^E-post|^E-mail/).fill('nina@kommune.no');
    await form.getByLabel(/Midlertidig passord|Temporary password/).fill('et-langt-passord-2026');
    await form.locator('select[name=role]').selectOption('caseworker');
    await form.locator('select[name=departments]').selectOption('teknisk');
    await form.getByRole('button', { name: /Opprett konto|Create account/ }).click();
    const row = w.page.locator('tr', { hasText: 'nina@kommune.no' });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/caseworker[\s\S]*teknisk/);
    const login = () => s.api('POST', '/api/auth/login', { body: { email: 'nina@kommune.no', password: 'et-langt-passord-2026' } });
    expect((await login()).status).toBe(200);

    await row.getByRole('button', { name: /Deaktiver|Deactivate/ }).click();
    await row.getByRole('button', { name: /Aktiver igjen|Reactivate/ }).waitFor();
    expect((await login()).status).toBe(401);
    await row.getByRole('button', { name: /Aktiver igjen|Reactivate/ }).click();
    await row.getByRole('button', { name: /Deaktiver|Deactivate/ }).waitFor();
    expect((await login()).status).toBe(200);
  });

  it('makes an API key for the case system, shown once, that works until it is revoked', async () => {
    await makeUser(s, 'saksystem@kommune.no', 'integration', []);
    await w.page.reload();
    const section = w.page.locator('section[aria-labelledby="admin-api-keys"]');
    await section.getByLabel(/Navn på nøkkelen|Name of the key/).fill('Saksbehandlingssystemet');
    await section.getByRole('button', { name: /Lag nøkkel|Make a key/ }).click();
    const key = await section.getByTestId('new-api-key').innerText();
    expect(key).toMatch(/^stk_/);
    const asCaseSystem = () => s.api('GET', '/api/departments', { token: key });
    expect((await asCaseSystem()).status).toBe(200);
    await section
      .locator('li', { hasText: 'Saksbehandlingssystemet' })
      .getByRole('button', { name: /Trekk tilbake|Revoke/ })
      .click();
    await section.locator('li', { hasText: 'Saksbehandlingssystemet' }).locator('.badge').waitFor();
    expect((await asCaseSystem()).status).toBe(401);
  });

  it('gives a department SMS numbers, opening hours and holidays', async () => {
    const dep = w.page.locator('[data-department="teknisk"]');
    await dep.locator('summary').click();
    await dep.getByLabel(/SMS/).fill('+4759440031, +4759440032');
    await dep.getByLabel(/Mandag|Monday/).fill('08:00-11:30, 12:00-15:30');
    await dep.getByLabel(/Helligdager|Holidays/).fill('2026-12-24, 2026-12-31');
    await dep.locator('select[name=menuDigit]').selectOption('6');
    await dep.getByRole('button', { name: /Lagre|Save/ }).click();
    await dep.getByRole('status').waitFor();
    const d = (await s.app.register.departments.byCode('teknisk'))!;
    expect(d.menuDigit).toBe(6);
    expect(d.openingHours).toMatchObject({ weekly: { '1': ['08:00-11:30', '12:00-15:30'] }, holidays: ['2026-12-24', '2026-12-31'] });
    expect((await s.app.register.departments.ownerOf('sms', '+4759440032'))?.code).toBe('teknisk');

    await dep.getByLabel(/SMS/).fill('+4759440031, nummer');
    await dep.getByRole('button', { name: /Lagre|Save/ }).click();
    await dep.getByRole('alert').waitFor();
    expect((await s.app.register.departments.ownerOf('sms', '+4759440032'))?.code).toBe('teknisk');
  });

  it('approves a send held for a link to an unknown host, which then goes out', async () => {
    const officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    const held = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: ['+4791400001'], body: 'Svar på https://skjema.example.com/x' } });
    expect(held.body.send.state).toBe('awaiting_approval');
    await w.page.reload();
    const item = w.page.locator(`[data-send-id="${held.body.send.id}"]`);
    await item.waitFor();
    expect(await item.innerText()).toContain('skjema.example.com');
    await item.getByRole('button', { name: /Godkjenn|Approve/ }).click();
    await item.waitFor({ state: 'detached' });
    const after = await s.api('GET', `/api/sms/sends/${held.body.send.id}`, { token: officer });
    expect(after.body.state).not.toBe('awaiting_approval');
    await w.page.getByText(/Arkivet har tatt imot alle journalposter|The archive has accepted every journal entry/).waitFor();

    // The archive's push target: a host not on the outbound allow-list is refused and nothing is stored.
    const archive = w.page.locator('form[aria-labelledby="admin-archive"]');
    await archive.locator('input[name=pushUrl]').fill('https://arkiv.example.net/noark');
    await archive.locator('input[name=token]').fill('hemmelig-token-123');
    await archive.getByRole('button', { name: /Lagre|Save/ }).click();
    await archive.getByRole('alert').waitFor();
    expect((await s.app.db.dataSource.query("SELECT COUNT(*) AS n FROM journal_settings WHERE value LIKE '%arkiv.example.net%'"))[0].n).toBe(0);
    // The refusals are the deliberate ones: a bad number in the department test, an archive host not allowed.
    expect(w.problems).toEqual([expect.stringContaining('status of 400'), expect.stringContaining('status of 400')]);
    expect(w.csp).toEqual([]);
  });
});
