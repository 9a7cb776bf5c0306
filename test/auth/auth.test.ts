import { authenticator } from 'otplib';
import { engines } from '../support/engines';
import { startServer, TEST_PASSWORD, type TestServer } from '../support/server';

describe.each(engines())('staff auth on $name', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('helse');
  });
  afterAll(() => s.close());

  it('logs in with the right password, answers /me, and logout revokes the token', async () => {
    await s.user('kari@kommune.no', 'agent', ['helse']);
    const token = await s.login('Kari@Kommune.no');
    const me = await s.api('GET', '/api/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'kari@kommune.no', role: 'agent' });
    expect((await s.api('POST', '/api/auth/logout', { token })).status).toBe(204);
    const after = await s.api('GET', '/api/inquiries', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_token');
  });

  it('refuses a missing, malformed or unknown token with 401', async () => {
    expect((await s.api('GET', '/api/inquiries')).status).toBe(401);
    expect((await s.api('GET', '/api/inquiries', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await s.api('GET', '/api/inquiries', { token: 'not-a-token' })).status).toBe(401);
  });

  it('stores passwords as scrypt hashes, never in clear', async () => {
    const row = await s.app.auth.users.byEmail('kari@kommune.no');
    expect(row!.passwordHash).toMatch(/^scrypt\$/);
    expect(row!.passwordHash).not.toContain(TEST_PASSWORD);
  });

  it('expires tokens after their lifetime', async () => {
    const { id } = await s.user('expiring@kommune.no', 'agent', ['helse']);
    const token = await s.login('expiring@kommune.no');
    await s.app.db.transaction((m) => m.query('UPDATE auth_tokens SET expires_at = ? WHERE user_id = ?', [s.app.db.param(new Date(Date.now() - 1000)), id]));
    expect((await s.api('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('an admin without TOTP gets a token that can only enrol, and a full one after confirming', async () => {
    const passwordHash = (await s.app.auth.users.byEmail('kari@kommune.no'))!.passwordHash;
    await s.app.db.transaction((m) => s.app.auth.users.create({ email: 'root@kommune.no', name: 'Root', passwordHash, role: 'admin', departmentIds: [] }, m));
    const login = await s.api('POST', '/api/auth/login', { body: { email: 'root@kommune.no', password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.scope).toBe('enrol');
    const token = login.body.token;
    const blocked = await s.api('POST', '/api/departments', { token, body: { code: 'x', name: 'X' } });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('totp_enrolment_required');
    expect((await s.api('GET', '/api/inquiries', { token })).status).toBe(403);

    const enrol = await s.api('POST', '/api/auth/totp/enrol', { token });
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Servicetorg:root%40kommune\.no\?secret=/);
    const wrong = await s.api('POST', '/api/auth/totp/confirm', {
      token,
      body: { totp: '000000' === authenticator.generate(enrol.body.secret) ? '111111' : '000000' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_totp');
    const confirmed = authenticator.generate(enrol.body.secret);
    const ok = await s.api('POST', '/api/auth/totp/confirm', { token, body: { totp: confirmed } });
    expect(ok.status).toBe(200);
    expect((await s.api('POST', '/api/departments', { token, body: { code: 'bygg', name: 'Byggesak', menuDigit: 1 } })).status).toBe(201);

    // From now on the account needs its code, and each code works once.
    const noCode = await s.api('POST', '/api/auth/login', { body: { email: 'root@kommune.no', password: TEST_PASSWORD } });
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe('totp_required');
    // The very code the confirmation used: a code generated now could belong to the next 30 s step
    // when the test straddles a step boundary, and that one is rightly accepted.
    const replay = await s.api('POST', '/api/auth/login', { body: { email: 'root@kommune.no', password: TEST_PASSWORD, totp: confirmed } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('invalid_totp');
  });

  it('accepts a fresh TOTP code once and refuses its reuse', async () => {
    const { usedCode } = await s.user('twofa@kommune.no', 'caseworker', ['helse'], { totp: true });
    // user() logged in with this code: using it again is a replay (the same code, not one generated
    // now, which after a step boundary would be a fresh code and rightly accepted).
    expect(usedCode).toMatch(/^\d{6}$/);
    const reuse = await s.api('POST', '/api/auth/login', { body: { email: 'twofa@kommune.no', password: TEST_PASSWORD, totp: usedCode } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('invalid_totp');
  });
});
