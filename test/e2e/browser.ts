import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/*
 * Browser tests drive Debian's Chromium (installed by scripts/test-services.sh) through
 * playwright-core; no browser is ever downloaded. Playwright gives every launch a fresh,
 * temporary user-data-dir. Under CI=true a missing Chromium fails the suite; elsewhere the
 * suite is skipped with a loud line.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
export const CONSOLE_DIR = path.resolve(__dirname, '../../client/dist');

export function browserAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`Chromium is missing at ${CHROMIUM}: run scripts/test-services.sh (it installs Debian's chromium)`);
  console.warn(`\n*** SKIPPING browser tests: no Chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium ***\n`);
  return false;
}

const ROOT = path.resolve(__dirname, '../..');
// The console bundles the names it shares with the server (server/contracts/names.ts).
const SOURCES = ['client/src', 'client/public', 'client/index.html', 'client/vite.config.ts', 'server/contracts'].map((p) => path.join(ROOT, p));

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/**
 * Makes sure client/dist is built from the current sources, so the browser tests never test a stale
 * bundle. Suites run in parallel workers: a lock directory lets one build while the others wait,
 * and a build newer than every source is kept (npm ci has usually just made it).
 */
export function buildConsole() {
  const lock = path.join(ROOT, 'client', '.build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than two minutes belongs to a killed run.
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another console build', { cause: e });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    const index = path.join(CONSOLE_DIR, 'index.html');
    const fresh = fs.existsSync(index) && fs.statSync(index).mtimeMs > Math.max(...SOURCES.filter((p) => fs.existsSync(p)).map(newestMtime));
    if (!fresh) execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-client.cjs')], { stdio: 'pipe', cwd: ROOT });
    if (!fs.existsSync(index)) throw new Error('the console build left no index.html');
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Dialogs (alert/confirm/prompt) the page opened: an XSS payload that ran would show here. */
  dialogs: string[];
  /** CSP violations and page errors, for diagnosis. */
  problems: string[];
  /** Requests to anything but the test server: there must be none. */
  foreign: string[];
  /** Content-Security-Policy violations: the console itself must cause none. */
  csp: string[];
}

export async function openPage(browser: Browser, baseUrl: string, viewport = { width: 1280, height: 800 }): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: 'nb-NO' });
  // Short enough that a missing element fails with Playwright's message, not jest's timeout.
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  const w: Watched = { context, page, dialogs: [], problems: [], foreign: [], csp: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => w.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') w.problems.push(`console: ${m.text()}`);
    if (/Content Security Policy/i.test(m.text())) w.csp.push(m.text());
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(baseUrl) && !u.startsWith('ws://127.0.0.1') && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('about:'))
      w.foreign.push(u);
  });
  return w;
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}
