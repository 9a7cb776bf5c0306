import type { Browser } from 'playwright-core';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { browserAvailable, buildConsole, launch, openPage, type Watched } from './browser';
import { citizenWrites, logIn, makeUser } from './helpers';

const run = browserAvailable() ? describe : describe.skip;

/*
 * Two agents of one department, each in their own browser context: what one does to an inquiry
 * shows in the other's console within a second, and the one who comes second to take it is told
 * instead of silently taking it over.
 */
run('console: two agents on one inbox (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;
  let anna: Watched;
  let bjorn: Watched;

  beforeAll(async () => {
    buildConsole();
    s = await startServer(engines()[0]);
    browser = await launch();
    await makeUser(s, 'anna@kommune.no', 'agent', ['helse']);
    await makeUser(s, 'bjorn@kommune.no', 'agent', ['helse']);
    [anna, bjorn] = await Promise.all([openPage(browser, s.url), openPage(browser, s.url)]);
    await logIn(anna.page, s.url, 'anna@kommune.no');
    await logIn(bjorn.page, s.url, 'bjorn@kommune.no');
    for (const w of [anna, bjorn]) {
      await w.page.locator('#inbox-title').waitFor();
      await w.page.locator('.live.on').waitFor();
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('shows a colleague’s assignment, closing and reopening within a second', async () => {
    const { inquiryId } = await citizenWrites(s, {
      channel: 'web',
      from: { email: 'innbygger@example.no' },
      body: 'Spørsmål om time',
      departmentCode: 'helse',
    });
    const annasRow = anna.page.locator(`[data-inquiry-id="${inquiryId}"]`);
    const bjornsRow = bjorn.page.locator(`[data-inquiry-id="${inquiryId}"]`);
    await annasRow.waitFor();
    await bjornsRow.locator('button.small').waitFor();

    await annasRow.locator('button.small').click();
    await annasRow.locator('.assignee').waitFor();
    await bjornsRow.locator('.assignee', { hasText: 'anna' }).waitFor({ timeout: 1000 });
    expect(await bjornsRow.locator('button.small').count()).toBe(0);

    // Björn has the inquiry open while Anna closes and reopens it from hers.
    await bjornsRow.click();
    await bjorn.page.locator('.actions').waitFor();
    await annasRow.click();
    const close = anna.page.locator('.actions button', { hasText: /close|lukk/i });
    await close.click();
    await bjorn.page.locator('.badge.st-closed').first().waitFor({ timeout: 1000 });
    await anna.page.locator('.actions button', { hasText: /reopen|åpne igjen/i }).click();
    await bjorn.page.locator('.badge.st-open').first().waitFor({ timeout: 1000 });
    expect(anna.problems).toEqual([]);
    expect(bjorn.problems).toEqual([]);
  });

  it('tells the agent who comes second that a colleague has taken the inquiry', async () => {
    await Promise.all([anna.page.goto(`${s.url}/`), bjorn.page.goto(`${s.url}/`)]);
    const { inquiryId } = await citizenWrites(s, { channel: 'web', from: { email: 'samtidig@example.no' }, body: 'To tar samtidig', departmentCode: 'helse' });
    const annasRow = anna.page.locator(`[data-inquiry-id="${inquiryId}"]`);
    const bjornsRow = bjorn.page.locator(`[data-inquiry-id="${inquiryId}"]`);
    await annasRow.locator('button.small').waitFor();
    await bjornsRow.locator('button.small').waitFor();

    // Björn's request leaves his browser before Anna's, but reaches the server after hers.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let sent!: () => void;
    const bjornSent = new Promise<void>((r) => (sent = r));
    await bjorn.page.route(`**/api/inquiries/${inquiryId}`, async (route) => {
      sent();
      await held;
      await route.continue();
    });
    await bjornsRow.locator('button.small').click();
    await bjornSent;
    await annasRow.locator('button.small').click();
    await annasRow.locator('.assignee').waitFor();
    release();

    await bjornsRow.locator('[role="alert"]', { hasText: /already taken|allerede tatt/i }).waitFor({ timeout: 2000 });
    await bjornsRow.locator('.assignee', { hasText: 'anna' }).waitFor({ timeout: 1000 });
    expect((await s.app.register.inquiries.byId(inquiryId))!.assigneeId).not.toBeNull();
    const holder = await s.app.auth.users.byId((await s.app.register.inquiries.byId(inquiryId))!.assigneeId!);
    expect(holder?.email).toBe('anna@kommune.no');
    await bjorn.page.unroute(`**/api/inquiries/${inquiryId}`);
  });
});
