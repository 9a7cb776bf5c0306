import fs from 'node:fs';
import path from 'node:path';
import { authenticator } from 'otplib';
import type { Browser } from 'playwright-core';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { latestManifest } from '../../server/backups/module';
import { ageKeyPair } from '../backups/support';
import { browserAvailable, buildConsole, launch, openPage, screenshot, type Watched } from './browser';
import { logIn, makeUser } from './helpers';

const run = browserAvailable() ? describe : describe.skip;

/** The admin's backup panel in Chromium: quiet when backups are good, an alert naming the problem when verification fails. */
run('console: the admin sees how backups stand (Chromium)', () => {
  const keys = ageKeyPair();
  let s: TestServer;
  let browser: Browser;
  const pages: Watched[] = [];
  const secret = authenticator.generateSecret(20);

  beforeAll(async () => {
    buildConsole();
    s = await startServer(engines()[0], {
      env: {
        BACKUP_DIR: path.join(keys.dir, 'backups'),
        BACKUP_COPY_DIR: path.join(keys.dir, 'backup-server'),
        BACKUP_RECIPIENT: keys.recipient,
        BACKUP_IDENTITY_FILE: keys.identityFile,
      },
      backups: { tickMs: 3600_000 },
    });
    await makeUser(s, 'admin@kommune.no', 'admin', [], secret);
    await makeUser(s, 'agent@kommune.no', 'agent', ['helse']);
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    fs.rmSync(keys.dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const w of pages.splice(0)) {
      expect(w.foreign).toEqual([]);
      expect(w.csp).toEqual([]);
      expect(w.problems).toEqual([]);
    }
  });

  it('shows good backups quietly, then a failed verification as an alert with its reason; an agent sees no panel', async () => {
    await s.app.backups.service.backup();
    expect((await s.app.backups.service.verify())?.state).toBe('succeeded');

    const w = await openPage(browser, s.url);
    pages.push(w);
    const { page } = w;
    await logIn(page, s.url, 'admin@kommune.no', { code: authenticator.generate(secret) });
    const panel = page.locator('section.backup-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-backup-status')).toBe('ok');
    expect(await panel.getAttribute('role')).toBeNull();
    expect(await panel.innerText()).toMatch(/Sikkerhetskopier:\s*tatt og kontrollert/);

    // Someone changes the copy on the backup server; the next verification catches it.
    const file = latestManifest(path.join(keys.dir, 'backup-server'))!.replace(/\.manifest\.json$/, '.age');
    const bytes = fs.readFileSync(file);
    bytes[100] ^= 0xff;
    fs.writeFileSync(file, bytes);
    expect((await s.app.backups.service.verify())?.state).toBe('failed');

    await page.reload();
    const alert = page.locator('section.backup-panel[role="alert"]');
    await alert.waitFor();
    expect(await alert.getAttribute('data-backup-status')).toBe('failed');
    expect(await alert.innerText()).toMatch(/FEILET[\s\S]*does not match its manifest/);
    await screenshot(page, 'backups-failed');

    const a = await openPage(browser, s.url);
    pages.push(a);
    await logIn(a.page, s.url, 'agent@kommune.no');
    await a.page.locator('header.topbar').waitFor();
    await a.page.locator('main').waitFor();
    expect(await a.page.locator('section.backup-panel').count()).toBe(0);
  }, 60_000);
});
