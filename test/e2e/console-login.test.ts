import { authenticator } from 'otplib';
import type { Browser } from 'playwright-core';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { browserAvailable, buildConsole, launch, openPage, screenshot, type Watched } from './browser';
import { logIn, makeUser } from './helpers';

const run = browserAvailable() ? describe : describe.skip;

run('console: serving and log-in (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;
  const pages: Watched[] = [];
  const watch = async (viewport?: { width: number; height: number }) => {
    const w = await openPage(browser, s.url, viewport);
    pages.push(w);
    return w;
  };

  beforeAll(async () => {
    buildConsole();
    s = await startServer(engines()[0]);
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });
  afterEach(() => {
    for (const w of pages.splice(0)) {
      expect(w.foreign).toEqual([]);
      expect(w.csp).toEqual([]);
      expect(w.dialogs).toEqual([]);
    }
  });

  it('serves the built console at / with a strict CSP and no inline script', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\//);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/https?:\/\//);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${s.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    // The API's own 404 stays JSON: the console does not swallow unknown paths.
    expect((await fetch(`${s.url}/no-such-page`)).status).toBe(404);
  });

  it('logs an agent in with the form (Enter submits) and shows a clear error for a wrong password', async () => {
    await makeUser(s, 'kari.agent@kommune.no', 'agent', ['helse']);
    const { page } = await watch();
    await logIn(page, s.url, 'kari.agent@kommune.no', { password: 'wrong-password-here' });
    await page.getByRole('alert').filter({ hasText: 'Feil e-post eller passord' }).waitFor();
    await page.fill('input[autocomplete="current-password"]', 'correct-horse-battery');
    await page.press('input[autocomplete="current-password"]', 'Enter');
    await page.locator('#inbox-title').waitFor();
    expect(await page.locator('input[autocomplete="one-time-code"]').count()).toBe(0);
  });

  it('asks an administrator with TOTP for the code, then logs in', async () => {
    const secret = authenticator.generateSecret(20);
    await makeUser(s, 'ola.admin@kommune.no', 'admin', [], secret);
    const { page } = await watch();
    await logIn(page, s.url, 'ola.admin@kommune.no');
    const code = page.locator('input[autocomplete="one-time-code"]');
    expect(await code.getAttribute('inputmode')).toBe('numeric');
    await page.getByText('Denne kontoen bruker totrinnsinnlogging').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('autocomplete') === 'one-time-code');
    await code.fill(authenticator.generate(secret));
    await code.press('Enter');
    await page.locator('#inbox-title').waitFor();
    await screenshot(page, 'login-admin-inbox');
  });

  it('walks an administrator without TOTP through enrolment with a QR code', async () => {
    await makeUser(s, 'new.admin@kommune.no', 'admin', []);
    const { page } = await watch({ width: 390, height: 844 });
    await logIn(page, s.url, 'new.admin@kommune.no');
    await page.locator('canvas.qr').waitFor();
    // The QR code was drawn in the page (no image fetched), and the key is shown for typing in.
    const drawn = await page.locator('canvas.qr').evaluate((c: HTMLCanvasElement) => c.width > 100 && c.toDataURL().length > 1000);
    expect(drawn).toBe(true);
    const secret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, 'enrol-narrow');
    const code = page.locator('input[autocomplete="one-time-code"]');
    await code.fill(authenticator.generate(secret));
    await code.press('Enter');
    await page.locator('#inbox-title').waitFor();
    const me = await s.app.auth.users.byEmail('new.admin@kommune.no');
    expect(me?.totpEnabled).toBe(true);
  });

  it('switches the interface language and remembers it', async () => {
    const { page } = await watch();
    await logIn(page, s.url, 'kari.agent@kommune.no');
    await page.locator('#inbox-title', { hasText: 'Innboks' }).waitFor();
    await page.getByRole('combobox', { name: 'Språk' }).selectOption('en');
    await page.locator('#inbox-title', { hasText: 'Inbox' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await page.locator('#inbox-title', { hasText: 'Inbox' }).waitFor();
  });
});
