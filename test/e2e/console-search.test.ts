import type { Browser } from 'playwright-core';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { browserAvailable, buildConsole, launch, openPage, type Watched } from './browser';
import { logIn, makeUser } from './helpers';

const run = browserAvailable() ? describe : describe.skip;

/* The front desk's search box: type a surname as it sounds, press Enter, open the citizen. */
run('console: the search box (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;
  let w: Watched;

  beforeAll(async () => {
    buildConsole();
    s = await startServer(engines()[0]);
    browser = await launch();
    await makeUser(s, 'disk@kommune.no', 'agent', ['helse']);
    const admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    for (const [n, name, phone] of [
      ['2026/501', 'Åse Bøe-Ødegård', '+4791234567'],
      ['2026/502', 'Per Ødegaard', '+4791234568'],
    ]) {
      const r = await s.api('PUT', `/api/cases/${encodeURIComponent(n)}`, {
        token: admin,
        body: { title: `Sak ${n}`, status: 'Under behandling', department: 'helse', contacts: [{ name, phone }] },
      });
      expect(r.status).toBe(201);
    }
    w = await openPage(browser, s.url);
    await logIn(w.page, s.url, 'disk@kommune.no');
    await w.page.locator('#inbox-title').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('finds citizens by surname without the Norwegian letters and opens one', async () => {
    const box = w.page.getByRole('searchbox');
    await box.fill('odeg');
    await box.press('Enter');
    const contacts = w.page.getByTestId('search-contacts');
    await contacts.waitFor();
    await expect(contacts.locator('li').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('Per Ødegaard'),
      expect.stringContaining('Åse Bøe-Ødegård'),
    ]); // alphabetical by the surname typed: ødegaard, ødegård
    await contacts.getByRole('link', { name: 'Per Ødegaard' }).click();
    await w.page.locator('#contact-title', { hasText: 'Per Ødegaard' }).waitFor();
  });

  it('finds a citizen by a number as people write it, and a case by its number', async () => {
    const box = w.page.getByRole('searchbox');
    await box.fill('912 34 567');
    await box.press('Enter');
    await w.page.getByTestId('search-contacts').locator('li', { hasText: 'Åse Bøe-Ødegård' }).waitFor();
    await box.fill('2026/502');
    await box.press('Enter');
    await w.page.getByTestId('search-cases').getByRole('link', { name: '2026/502' }).waitFor();
    expect(w.problems).toEqual([]);
    expect(w.csp).toEqual([]);
  });
});
