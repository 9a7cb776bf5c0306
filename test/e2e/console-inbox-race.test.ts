import type { Browser } from 'playwright-core';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { browserAvailable, buildConsole, launch, openPage, type Watched } from './browser';
import { citizenWrites, logIn, makeUser } from './helpers';

const run = browserAvailable() ? describe : describe.skip;

/*
 * The inbox list replaces its rows when it arrives. An inquiry pushed while that list was on its
 * way (answered before the inquiry existed, delivered after the push) must stay in the list, not
 * vanish until the next reload.
 */
run('console: a push while the inbox list loads (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;
  let w: Watched;

  beforeAll(async () => {
    buildConsole();
    s = await startServer(engines()[0]);
    browser = await launch();
    await makeUser(s, 'kari.helse@kommune.no', 'agent', ['helse']);
    w = await openPage(browser, s.url);
    await logIn(w.page, s.url, 'kari.helse@kommune.no');
    await w.page.locator('#inbox-title').waitFor();
    await w.page.locator('.live.on').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('keeps an inquiry pushed after the list was answered but before it arrived', async () => {
    const older = await citizenWrites(s, { channel: 'web', from: { email: 'eldre@example.no' }, body: 'Eldre henvendelse', departmentCode: 'helse' });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let answered!: () => void;
    const listAnswered = new Promise<void>((r) => (answered = r));
    await w.page.route('**/api/inquiries?*', async (route) => {
      const response = await route.fetch();
      answered();
      await held;
      await route.fulfill({ response });
    });
    await w.page.reload();
    await w.page.locator('.live.on').waitFor();
    await listAnswered;

    const pushed = await citizenWrites(s, { channel: 'web', from: { email: 'ny@example.no' }, body: 'Kom mens listen var på vei', departmentCode: 'helse' });
    // The push is shown at once (the list is still on its way); then the list arrives.
    await w.page.locator(`[data-inquiry-id="${pushed.inquiryId}"]`).waitFor({ state: 'attached' });
    release();
    await w.page.locator(`[data-inquiry-id="${older.inquiryId}"]`).waitFor();
    await w.page.locator(`[data-inquiry-id="${pushed.inquiryId}"]`).waitFor({ timeout: 2000 });
    const order = await w.page.locator('[data-inquiry-id]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-inquiry-id'))));
    expect(order.slice(0, 2)).toEqual([pushed.inquiryId, older.inquiryId]);
    await w.page.unroute('**/api/inquiries?*');
  });
});
