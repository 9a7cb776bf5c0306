import type { Browser } from 'playwright-core';
import { authenticator } from 'otplib';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { browserAvailable, buildConsole, launch, openPage, type Watched } from './browser';
import { logIn, makeUser } from './helpers';

/*
 * The records officer's audit viewer in Chromium: an agent who read many citizens' inquiries
 * without working any is flagged; filtering by citizen shows only reads of that citizen's data.
 */
const run = browserAvailable() ? describe : describe.skip;
const RECORDS_TOTP = authenticator.generateSecret(20);

run('console: the audit viewer (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;
  let w: Watched;
  let agent: { id: number; token: string };
  const contacts: number[] = [];

  beforeAll(async () => {
    buildConsole();
    s = await startServer(engines()[0], { env: { AUDIT_UNUSUAL_READS: '2' } });
    await s.department('teknisk');
    agent = await s.user('nysgjerrig@kommune.no', 'agent', ['teknisk']);
    for (const [i, name] of ['Kari Nordmann', 'Ola Nordmann', 'Per Hansen'].entries()) {
      const r = await s.app.inbound.record({
        channel: 'sms',
        externalId: `SM-e2e-audit-${i}`,
        from: { phone: `+479100000${i}`, name },
        to: '+4740000000',
        body: `Hei ${i}`,
        receivedAt: new Date(),
        departmentCode: 'teknisk',
      });
      contacts.push(r.contact!.id);
      expect((await s.api('GET', `/api/inquiries/${r.inquiry.id}`, { token: agent.token })).status).toBe(200);
    }
    await makeUser(s, 'arkiv@kommune.no', 'records', [], RECORDS_TOTP);
    browser = await launch();
    w = await openPage(browser, s.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });
  afterEach(() => {
    expect(w.foreign).toEqual([]);
    expect(w.csp).toEqual([]);
  });

  it('shows the flagged reader and filters the trail by citizen', async () => {
    const { page } = w;
    await logIn(page, s.url, 'arkiv@kommune.no', { code: authenticator.generate(RECORDS_TOTP) });
    await page.locator('nav').getByRole('link', { name: 'Revisjonslogg' }).click();
    await page.locator('#audit-title').waitFor();
    const flag = page.locator(`[data-flagged-user="${agent.id}"]`);
    await flag.waitFor();
    await expect(flag.innerText()).resolves.toContain('leste 3 innbyggere');

    await page.getByLabel('Innbygger (kontakt-id)').fill(String(contacts[1]));
    await page.getByLabel('Innbygger (kontakt-id)').press('Enter');
    await eventually(async () => {
      const rows = await page.locator('tr[data-audit-id]').allInnerTexts();
      return rows.length > 0 && rows.every((r) => r.includes(`(${contacts[1]})`)) ? rows : null;
    }, 'only reads of the chosen citizen');
    const rows = await page.locator('tr[data-audit-id]').allInnerTexts();
    expect(rows.some((r) => r.includes('nysgjerrig'))).toBe(true);
  });
});
