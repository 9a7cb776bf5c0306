import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tsx = path.resolve('node_modules/.bin/tsx');

function run(env: Record<string, string>) {
  const child = spawn(tsx, ['server/main.ts'], { env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('the server process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-proc-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses to start on a bad setting and names the variable', async () => {
    const p = run({ PORT: 'not-a-port', DATABASE_URL: `sqlite:${dir}/a.sqlite` });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('PORT:');
  }, 30_000);

  it('starts on SQLite, reports health, labels simulation mode, and drains on SIGTERM', async () => {
    const p = run({ PORT: '0', DATABASE_URL: `sqlite:${dir}/b.sqlite`, DEMO_DATA: 'off', ADMIN_EMAIL: 'boss@kommune.no', ADMIN_PASSWORD: 'long-enough-password', LOG_LEVEL: 'warn' });
    const deadline = Date.now() + 25_000;
    let port = 0;
    while (!port && Date.now() < deadline) {
      const m = /port (\d+),/.exec(p.output());
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(port).toBeGreaterThan(0);
    expect(p.output()).toMatch(/SIMULATION MODE: .*SMS and voice \(Twilio\)/);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok', dialect: 'sqlite' });
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'boss@kommune.no', password: 'long-enough-password' }) });
    expect(login.status).toBe(200);
    expect((await login.json()).scope).toBe('enrol');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 40_000);
});
