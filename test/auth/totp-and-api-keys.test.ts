import { engines } from '../support/engines';
import { startServer, TEST_PASSWORD, type TestServer } from '../support/server';

describe.each(engines())('TOTP roles and API keys on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let agent: string;
  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('helse');
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', ['helse'])).token;
  });
  afterAll(() => s.close());

  const loginScope = async (email: string) => {
    const r = await s.api('POST', '/api/auth/login', { body: { email, password: TEST_PASSWORD } });
    expect(r.status).toBe(200);
    return { scope: r.body.scope as string, token: r.body.token as string };
  };

  it.each(['officer', 'records'] as const)('a %s without TOTP gets a token that can only enrol', async (role) => {
    await s.user(`${role}@kommune.no`, role, ['helse'], { totp: false });
    const { scope, token } = await loginScope(`${role}@kommune.no`);
    expect(scope).toBe('enrol');
    const blocked = await s.api('GET', '/api/sms/sends', { token });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('totp_enrolment_required');
    expect((await s.api('POST', '/api/auth/totp/enrol', { token })).status).toBe(200);
  });

  it('integration, a machine account, logs in with its password alone', async () => {
    await s.user('case-system@kommune.no', 'integration', []);
    expect((await loginScope('case-system@kommune.no')).scope).toBe('full');
  });

  it('an admin adds a role to those that must enrol; others may not, and integration cannot be added', async () => {
    await s.user('worker@kommune.no', 'caseworker', ['helse']);
    expect((await loginScope('worker@kommune.no')).scope).toBe('full');
    const audits = await s.count('audit_events');
    expect((await s.api('PUT', '/api/totp-policy', { token: agent, body: { added: ['caseworker'] } })).status).toBe(403);
    for (const added of [['integration'], ['admin'], ['nobody'], 'caseworker']) {
      const bad = await s.api('PUT', '/api/totp-policy', { token: admin, body: { added } });
      expect(bad.status).toBe(400);
    }
    expect(await s.count('totp_roles')).toBe(0);
    expect(await s.count('audit_events')).toBe(audits);

    const set = await s.api('PUT', '/api/totp-policy', { token: admin, body: { added: ['caseworker'] } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ required: ['admin', 'officer', 'records', 'caseworker'], defaults: ['admin', 'officer', 'records'], added: ['caseworker'] });
    expect((await loginScope('worker@kommune.no')).scope).toBe('enrol');
    expect((await s.api('GET', '/api/totp-policy', { token: admin })).body.added).toEqual(['caseworker']);

    expect((await s.api('PUT', '/api/totp-policy', { token: admin, body: { added: [] } })).status).toBe(200);
    expect((await loginScope('worker@kommune.no')).scope).toBe('full');
  });

  it('an admin creates an API key for the integration account, shown once; it authenticates as that account', async () => {
    const created = await s.api('POST', '/api/api-keys', { token: admin, body: { name: 'Sak/arkiv', userEmail: 'case-system@kommune.no' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^stk_[A-Za-z0-9_-]{40,}$/);
    const key = created.body.key as string;
    const me = await s.api('GET', '/api/auth/me', { token: key });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'case-system@kommune.no', role: 'integration' });
    expect((await s.api('GET', '/api/cases/NO-SUCH-CASE', { token: key })).status).toBe(404);
    // Integration may not do what admins do, key or not.
    expect((await s.api('GET', '/api/api-keys', { token: key })).status).toBe(403);

    const rows = await s.app.db.dataSource.query('SELECT key_hash FROM api_keys WHERE id = ?', [created.body.id]);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(key.slice(4));

    const list = await s.api('GET', '/api/api-keys', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ id: created.body.id, name: 'Sak/arkiv', userEmail: 'case-system@kommune.no', revokedAt: null })]);
    expect(JSON.stringify(list.body)).not.toContain(key.slice(4));
    expect(JSON.stringify(list.body)).not.toContain(rows[0].key_hash);

    const audit = await s.app.audit.forEntity('api_key', created.body.id);
    expect(audit.map((a) => a.action)).toEqual(['create']);

    expect((await s.api('DELETE', `/api/api-keys/${created.body.id}`, { token: agent })).status).toBe(403);
    expect((await s.api('DELETE', `/api/api-keys/${created.body.id}`, { token: admin })).status).toBe(204);
    const after = await s.api('GET', '/api/auth/me', { token: key });
    expect(after.status).toBe(401);
    expect((await s.app.audit.forEntity('api_key', created.body.id)).map((a) => a.action)).toEqual(['create', 'delete']);
    expect((await s.api('GET', '/api/api-keys', { token: admin })).body[0].revokedAt).not.toBeNull();
  });

  it('a key without userEmail goes to the only integration account', async () => {
    const created = await s.api('POST', '/api/api-keys', { token: admin, body: { name: 'default' } });
    expect(created.status).toBe(201);
    expect((await s.api('GET', '/api/auth/me', { token: created.body.key })).body.user.email).toBe('case-system@kommune.no');
  });

  it('refuses non-admins with 403 and bad input with 400, writing nothing', async () => {
    const keys = await s.count('api_keys');
    const audits = await s.count('audit_events');
    expect((await s.api('POST', '/api/api-keys', { token: agent, body: { name: 'x', userEmail: 'case-system@kommune.no' } })).status).toBe(403);
    expect((await s.api('GET', '/api/api-keys', { token: agent })).status).toBe(403);
    for (const body of [
      {},
      { name: '' },
      { name: 'x', userEmail: 'not-an-email' },
      { name: 'x', extra: 1 },
      { name: 'x', userEmail: 'agent@kommune.no' },
      { name: 'x', userEmail: 'ghost@kommune.no' },
    ]) {
      const r = await s.api('POST', '/api/api-keys', { token: admin, body });
      expect(r.status).toBe(400);
    }
    expect((await s.api('DELETE', '/api/api-keys/abc', { token: admin })).status).toBe(400);
    expect((await s.api('DELETE', '/api/api-keys/999999', { token: admin })).status).toBe(404);
    expect(await s.count('api_keys')).toBe(keys);
    expect(await s.count('audit_events')).toBe(audits);
  });

  it('a key stops working when its account is no longer an active integration account', async () => {
    const { body } = await s.api('POST', '/api/api-keys', { token: admin, body: { name: 'later', userEmail: 'case-system@kommune.no' } });
    const user = (await s.app.auth.users.byEmail('case-system@kommune.no'))!;
    await s.app.db.transaction((m) => s.app.auth.users.update(user.id, { active: false }, m));
    expect((await s.api('GET', '/api/auth/me', { token: body.key })).status).toBe(401);
    await s.app.db.transaction((m) => s.app.auth.users.update(user.id, { active: true }, m));
    expect((await s.api('GET', '/api/auth/me', { token: body.key })).status).toBe(200);
  });
});
