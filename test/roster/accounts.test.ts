import http from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../server/core/logger';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';

/*
 * Accounts by SMS: the welcome message and the password reset by keyword, through a stand-in of
 * the identity system's hook on 127.0.0.1. The temporary password reaches the phone and nothing
 * else: every table of the database, every log line (at trace level) and the journal are searched.
 */

const UNIT_NUMBER = '+4759441511';
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** The identity system's reset hook: answers a fresh password, or 503 while `down`. */
async function startHook(token: string) {
  const calls: { auth: string | undefined; body: unknown }[] = [];
  const state = { down: false, passwords: [] as string[] };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      calls.push({ auth: req.headers.authorization, body: JSON.parse(raw || 'null') });
      if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
      if (state.down) return void res.writeHead(503).end();
      const temporaryPassword = `Ny-${Math.random().toString(36).slice(2, 10)}!<{x}>`;
      state.passwords.push(temporaryPassword);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ temporaryPassword }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/reset`, calls, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(engines())('welcome and password reset by SMS on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let hook: Awaited<ReturnType<typeof startHook>>;
  let admin: string;
  let ums: string;
  const logLines: string[] = [];
  const HOOK_TOKEN = 'hook-token-0123456789';
  const to = (phone: string) => standin.messages.filter((m) => m.params.To === phone);
  const text = (from: string, body: string) =>
    postSignedForm(s.url, '/webhooks/twilio/sms', {
      MessageSid: smsSid(),
      AccountSid: STANDIN_ACCOUNT_SID,
      From: from,
      To: UNIT_NUMBER,
      Body: body,
      NumMedia: '0',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });

  /** Every row of every table as text, and every log line: where a password must never be. */
  const everywhere = async (): Promise<string> => {
    const db = s.app.db;
    const tables = (
      db.dialect === 'sqlite'
        ? ((await db.dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table'")) as { name: string }[]).map((r) => r.name)
        : ((await db.dataSource.query('SHOW TABLES')) as Record<string, string>[]).map((r) => Object.values(r)[0])
    ).filter(Boolean);
    expect(tables).toEqual(expect.arrayContaining(['messages', 'journal_entries', 'audit_events', 'roster_account_messages', 'jobs']));
    const dumps: string[] = [];
    for (const t of tables) dumps.push(JSON.stringify(await db.dataSource.query(`SELECT * FROM ${db.dialect === 'sqlite' ? `"${t}"` : `\`${t}\``}`)));
    return dumps.join('\n') + '\n' + logLines.join('\n');
  };

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    hook = await startHook(HOOK_TOKEN);
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    s = await startServer(engine, {
      env: { ...standin.env, LOG_LEVEL: 'trace' },
      logger: createLogger('trace', sink),
      jobs: { pollMs: 50, backoff: { baseMs: 300, maxMs: 300 } },
      roster: { resetLimits: { perNumberPerHour: 2 } },
    });
    const unit = await s.department('skole-a');
    await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: unit, channel: 'sms', address: UNIT_NUMBER, isDefault: true }, m));
    admin = (await s.user('admin@skole.no', 'admin', [])).token;
    ums = (await s.user('ums@skole.no', 'integration', [])).token;
    const records = (await s.user('arkiv@skole.no', 'records', [])).token;
    expect((await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'all' }] } })).status).toBe(200);
    const put = (id: string, body: Record<string, unknown>) =>
      s.api('PUT', `/api/roster/people/${id}`, { token: ums, body: { kind: 'student', unit: 'skole-a', ...body } });
    expect((await put('w1', { name: 'Ada Lie', phone: '+4791510001', language: 'en' })).status).toBe(201);
    expect((await put('w2', { name: 'Per Lie', phone: '+4791510002', endDate: day(-2) })).status).toBe(201);
    expect((await put('w3', { name: 'Siv Ås', phone: '+4791510003' })).status).toBe(201);
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
    await hook.close();
  });

  it('sends the welcome with account and password, keeps the password masked, and tracks its status', async () => {
    const password = 'Velkommen-7f3Kq9!<b>{x}';
    const r = await s.api('POST', '/api/roster/people/w1/welcome', { token: ums, body: { account: 'ada.lie', temporaryPassword: password } });
    expect(r.status).toBe(202);
    expect(Object.keys(r.body)).toEqual(['messageId']);
    expect(to('+4791510001')).toHaveLength(1);
    expect(to('+4791510001')[0].params).toMatchObject({ From: UNIT_NUMBER });
    expect(to('+4791510001')[0].params.Body).toContain('Account: ada.lie Temporary password: ' + password);
    const message = await s.api('GET', `/api/messages/${r.body.messageId}`, { token: admin });
    expect(message.status).toBe(200);
    expect(['sent', 'delivered', 'queued']).toContain(message.body.status);
    const stored = (await s.app.db.dataSource.query('SELECT body FROM messages WHERE id = ?', [r.body.messageId])) as { body: string }[];
    expect(stored[0].body).toContain('Temporary password: ********');
    await eventually(async () => (await s.count('journal_entries')) > 0, 'the welcome journaled');
    const log = await s.api('GET', '/api/roster/account-messages?kind=welcome', { token: admin });
    expect(log.body.items).toEqual([expect.objectContaining({ kind: 'welcome', externalId: 'w1', state: 'sent', body: expect.stringContaining('********') })]);
    // Ended, unknown or bad input: refused, nothing sent.
    expect((await s.api('POST', '/api/roster/people/w2/welcome', { token: ums, body: { account: 'per', temporaryPassword: password } })).status).toBe(409);
    expect((await s.api('POST', '/api/roster/people/nobody/welcome', { token: ums, body: { account: 'x', temporaryPassword: password } })).status).toBe(404);
    expect((await s.api('POST', '/api/roster/people/w1/welcome', { token: ums, body: { account: 'x' } })).status).toBe(400);
    expect(to('+4791510002')).toHaveLength(0);
    const all = await everywhere();
    expect(all).not.toContain(password);
    expect(all).toContain('ada.lie');
  });

  it('refuses a reset hook on a host that is not allow-listed, and takes one that is', async () => {
    const body = { url: hook.url, token: HOOK_TOKEN };
    expect((await s.api('PUT', '/api/roster/units/skole-a/password-reset', { token: admin, body })).status).toBe(400);
    expect((await s.api('PUT', '/api/roster/units/skole-a/password-reset', { token: ums, body })).status).toBe(403);
    expect((await s.api('POST', '/api/admin/outbound-hosts', { token: admin, body: { host: '127.0.0.1' } })).status).toBe(201);
    const ok = await s.api('PUT', '/api/roster/units/skole-a/password-reset', { token: admin, body });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ url: hook.url, keywords: ['PASSORD', 'KODE', 'PASSWORD', 'ADGANGSKODE'], tokenSet: true });
    expect(JSON.stringify((await s.api('GET', '/api/roster/units/skole-a', { token: admin })).body)).not.toContain(HOOK_TOKEN);
  });

  it('resets by keyword: the hook is called with the bearer token and the new password goes out masked', async () => {
    expect((await text('+4791510003', 'passord')).status).toBe(200);
    await eventually(() => to('+4791510003').length === 1, 'the new password at the phone');
    expect(hook.calls.at(-1)).toEqual({ auth: `Bearer ${HOOK_TOKEN}`, body: { externalId: 'w3', unit: 'skole-a' } });
    const password = hook.state.passwords.at(-1)!;
    expect(to('+4791510003')[0].params.Body).toContain(password);
    const log = await eventually(async () => {
      const items = (await s.api('GET', '/api/roster/account-messages?kind=reset', { token: admin })).body.items;
      return items[0]?.state === 'sent' ? items : null;
    }, 'the reset logged');
    expect(log[0]).toMatchObject({ externalId: 'w3', body: expect.stringContaining('********') });
    expect(await everywhere()).not.toContain(password);
  });

  it('answers an unknown or ended number neutrally, without calling the hook', async () => {
    const calls = hook.calls.length;
    expect((await text('+4791519999', 'KODE')).status).toBe(200);
    expect((await text('+4791510002', 'KODE')).status).toBe(200);
    await eventually(() => to('+4791519999').length === 1 && to('+4791510002').length === 1, 'both answered');
    expect(to('+4791519999')[0].params.Body).toBe(to('+4791510002')[0].params.Body);
    expect(to('+4791519999')[0].params.Body).toMatch(/cannot reset/);
    expect(hook.calls.length).toBe(calls);
  });

  it('tells the person to try later while the hook is down, shows the admin, and sends the password once it is up', async () => {
    hook.state.down = true;
    expect((await text('+4791510001', 'Password')).status).toBe(200);
    await eventually(() => to('+4791510001').some((m) => /try again later/.test(m.params.Body)), 'the try-later answer');
    const failing = await eventually(async () => {
      const items = (await s.api('GET', '/api/roster/account-messages?kind=reset', { token: admin })).body.items;
      return items[0]?.state === 'retrying' ? items[0] : null;
    }, 'the failure visible');
    expect(failing.error).toMatch(/password reset answered 5xx/);
    hook.state.down = false;
    await eventually(() => to('+4791510001').some((m) => m.params.Body.includes(hook.state.passwords.at(-1) ?? '-none-')), 'the password once the hook is up');
    const items = await eventually(async () => {
      const list = (await s.api('GET', '/api/roster/account-messages?kind=reset', { token: admin })).body.items;
      return list[0]?.state === 'sent' ? list : null;
    }, 'the reset settled');
    expect(items[0]).toMatchObject({ state: 'sent', externalId: 'w1', attempts: expect.any(Number) });
    expect(items[0].attempts).toBeGreaterThan(1);
    expect(await everywhere()).not.toContain(hook.state.passwords.at(-1));
  });

  it('limits resets per number: past the limit the request is refused and nothing more is sent', async () => {
    // w1 has asked once already; the limit is two an hour.
    expect((await text('+4791510001', 'PASSORD')).status).toBe(200);
    await eventually(
      async () => (await s.api('GET', '/api/roster/account-messages?kind=reset&state=sent', { token: admin })).body.items.length === 3,
      'the second reset',
    );
    const before = to('+4791510001').length;
    expect((await text('+4791510001', 'PASSORD')).status).toBe(200);
    const refused = await eventually(
      async () =>
        (await s.api('GET', '/api/roster/account-messages?kind=reset&state=refused', { token: admin })).body.items.find(
          (x: { phone: string }) => x.phone === '+4791510001',
        ),
      'the refusal',
    );
    expect(refused.error).toMatch(/limit per number/);
    expect(to('+4791510001').length).toBe(before);
  });

  it('takes the welcome text the admin set for the unit and the person’s language', async () => {
    const texts = { nb: 'Hei {{name}}: {{account}} / {{password}}', en: 'Hi {{name}}: {{account}} / {{password}}' };
    expect((await s.api('PUT', '/api/roster/units/skole-a/texts', { token: ums, body: { welcome: texts } })).status).toBe(403);
    const bad = await s.api('PUT', '/api/roster/units/skole-a/texts', { token: admin, body: { welcome: { nb: 'Hei {{name}}' } } });
    expect([bad.status, bad.body.error.details]).toEqual([400, [{ path: ['welcome', 'nb'], message: 'needs {{account}} and {{password}}' }]]);
    expect((await s.api('PUT', '/api/roster/units/skole-a/texts', { token: admin, body: { welcome: texts } })).status).toBe(200);
    const password = 'Annet-Passord-42';
    expect((await s.api('POST', '/api/roster/people/w1/welcome', { token: ums, body: { account: 'ada', temporaryPassword: password } })).status).toBe(202);
    expect((await s.api('POST', '/api/roster/people/w3/welcome', { token: ums, body: { account: 'siv', temporaryPassword: password } })).status).toBe(202);
    expect(to('+4791510001').at(-1)!.params.Body).toBe(`Hi Ada Lie: ada / ${password}`);
    expect(to('+4791510003').at(-1)!.params.Body).toBe(`Hei Siv Ås: siv / ${password}`);
    expect(await everywhere()).not.toContain(password);
  });
});
