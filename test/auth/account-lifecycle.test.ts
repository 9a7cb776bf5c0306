import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, TEST_PASSWORD, type TestServer } from '../support/server';

/*
 * Issue 12: administrators list accounts, deactivate and reactivate them, reset a password (to be
 * changed at the next log-in) or an authenticator, and end sessions; everyone else gets 403, bad
 * input 400 with nothing written, and every change lands in the audit trail.
 */

const TEMPORARY = 'temporary-pass-123';
const NEW_PASSWORD = 'my-own-new-password-9';

describe.each(engines())('account lifecycle on $name', (engine) => {
  let s: TestServer;
  let admin: { id: number; token: string };

  beforeAll(async () => {
    s = await startServer(engine);
    admin = await s.user('admin@life.no', 'admin', []);
  });
  afterAll(() => s.close());

  const audited = async (userId: number, route: string) =>
    Number(
      (
        await s.app.db.dataSource.query(`SELECT COUNT(*) AS n FROM audit_events WHERE user_id = ? AND entity_id = ? AND route = ?`, [
          admin.id,
          String(userId),
          route,
        ])
      )[0].n,
    );
  const me = (token: string) => s.api('GET', '/api/auth/me', { token });

  it('lists users with their state, for admins only, and audits the read', async () => {
    const agent = await s.user('listed@life.no', 'agent', ['helse']);
    const r = await s.api('GET', '/api/users', { token: admin.token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: agent.id, email: 'listed@life.no', role: 'agent', active: true, mustChangePassword: false, totpEnabled: false }),
      ]),
    );
    expect(JSON.stringify(r.body)).not.toMatch(/password_?hash|scrypt|totpSecret/i);
    expect((await s.api('GET', '/api/users', { token: agent.token })).status).toBe(403);
    const reads = await s.app.db.dataSource.query(`SELECT COUNT(*) AS n FROM audit_events WHERE user_id = ? AND route = ?`, [admin.id, 'GET /api/users']);
    expect(Number(reads[0].n)).toBe(1);
  });

  it('deactivates (ending every session, refusing log-in) and reactivates', async () => {
    const u = await s.user('leaver@life.no', 'agent', ['helse']);
    expect((await s.api('POST', `/api/users/${u.id}/deactivate`, { token: admin.token })).status).toBe(204);
    expect((await me(u.token)).status).toBe(401);
    expect((await s.api('POST', '/api/auth/login', { body: { email: 'leaver@life.no', password: TEST_PASSWORD } })).status).toBe(401);
    expect(await audited(u.id, 'POST /api/users/:id/deactivate')).toBe(1);

    expect((await s.api('POST', `/api/users/${u.id}/reactivate`, { token: admin.token })).status).toBe(204);
    expect((await me(await s.login('leaver@life.no'))).status).toBe(200);
    expect(await audited(u.id, 'POST /api/users/:id/reactivate')).toBe(1);
    // The old token stays revoked: reactivation restores the account, not the sessions.
    expect((await me(u.token)).status).toBe(401);
  });

  it('resets a password so the next log-in may only change it, after which the new one works and the temporary one does not', async () => {
    const u = await s.user('forgetful@life.no', 'agent', ['helse']);
    expect((await s.api('POST', `/api/users/${u.id}/password-reset`, { token: admin.token, body: { temporaryPassword: TEMPORARY } })).status).toBe(204);
    expect((await me(u.token)).status).toBe(401);
    expect(await audited(u.id, 'POST /api/users/:id/password-reset')).toBe(1);

    const login = await s.api('POST', '/api/auth/login', { body: { email: 'forgetful@life.no', password: TEMPORARY } });
    expect(login.status).toBe(200);
    expect(login.body.scope).toBe('password');
    const limited = login.body.token as string;
    expect((await s.api('GET', '/api/inquiries', { token: limited })).status).toBe(403);
    expect((await me(limited)).body.scope).toBe('password');

    expect((await s.api('POST', '/api/auth/password', { token: limited, body: { password: 'short' } })).status).toBe(400);
    const changed = await s.api('POST', '/api/auth/password', { token: limited, body: { password: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ scope: 'full' });
    expect((await s.api('GET', '/api/inquiries', { token: limited })).status).toBe(200);
    expect((await s.api('POST', '/api/auth/login', { body: { email: 'forgetful@life.no', password: TEMPORARY } })).status).toBe(401);
    const again = await s.api('POST', '/api/auth/login', { body: { email: 'forgetful@life.no', password: NEW_PASSWORD } });
    expect(again.body.scope).toBe('full');
  });

  it('asks for the current password when a full token changes it', async () => {
    const u = await s.user('careful@life.no', 'agent', ['helse']);
    expect((await s.api('POST', '/api/auth/password', { token: u.token, body: { password: NEW_PASSWORD } })).status).toBe(401);
    expect((await s.api('POST', '/api/auth/password', { token: u.token, body: { password: NEW_PASSWORD, currentPassword: 'wrong-one' } })).status).toBe(401);
    const ok = await s.api('POST', '/api/auth/password', { token: u.token, body: { password: NEW_PASSWORD, currentPassword: TEST_PASSWORD } });
    expect(ok.status).toBe(200);
    await expect(s.login('careful@life.no', NEW_PASSWORD)).resolves.toEqual(expect.any(String));
  });

  it('resets TOTP so the next log-in must enrol again', async () => {
    const officer = await s.user('lostphone@life.no', 'officer', ['helse']);
    expect((await s.api('POST', `/api/users/${officer.id}/totp-reset`, { token: admin.token })).status).toBe(204);
    expect((await me(officer.token)).status).toBe(401);
    const login = await s.api('POST', '/api/auth/login', { body: { email: 'lostphone@life.no', password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.scope).toBe('enrol');
    expect(await audited(officer.id, 'POST /api/users/:id/totp-reset')).toBe(1);
  });

  it('revokes every session of a user', async () => {
    const u = await s.user('revokee@life.no', 'agent', ['helse']);
    const second = await s.login('revokee@life.no');
    expect((await s.api('POST', `/api/users/${u.id}/sessions/revoke`, { token: admin.token })).status).toBe(204);
    expect((await me(u.token)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect((await me(admin.token)).status).toBe(200);
    expect(await audited(u.id, 'POST /api/users/:id/sessions/revoke')).toBe(1);
  });

  it('answers 403 to everyone but admins, and writes nothing', async () => {
    const target = await s.user('target@life.no', 'agent', ['helse']);
    const records = await s.user('records@life.no', 'records', []);
    const agent = await s.user('peer@life.no', 'agent', ['helse']);
    const before = await s.count('audit_events');
    for (const token of [records.token, agent.token]) {
      for (const path of ['deactivate', 'reactivate', 'totp-reset', 'sessions/revoke'])
        expect((await s.api('POST', `/api/users/${target.id}/${path}`, { token })).status).toBe(403);
      expect((await s.api('POST', `/api/users/${target.id}/password-reset`, { token, body: { temporaryPassword: TEMPORARY } })).status).toBe(403);
    }
    expect(await s.count('audit_events')).toBe(before);
    expect((await me(target.token)).status).toBe(200);
    await expect(s.login('target@life.no')).resolves.toEqual(expect.any(String));
  });

  it('answers 400 to bad input and 404 to unknown users, and writes nothing', async () => {
    const target = await s.user('steady@life.no', 'agent', ['helse']);
    const before = await s.count('audit_events');
    const reset = (body: unknown, id: unknown = target.id) => s.api('POST', `/api/users/${String(id)}/password-reset`, { token: admin.token, body });
    expect((await reset({ temporaryPassword: 'short' })).status).toBe(400);
    expect((await reset({})).status).toBe(400);
    expect((await reset({ temporaryPassword: TEMPORARY, extra: 1 })).status).toBe(400);
    expect((await reset({ temporaryPassword: TEMPORARY }, 'abc')).status).toBe(400);
    expect((await s.api('POST', '/api/users/-1/deactivate', { token: admin.token })).status).toBe(400);
    expect((await s.api('POST', '/api/users/999999/deactivate', { token: admin.token })).status).toBe(404);
    expect((await s.api('POST', `/api/users/${admin.id}/deactivate`, { token: admin.token })).status).toBe(409);
    expect(await s.count('audit_events')).toBe(before);
    expect((await me(target.token)).status).toBe(200);
    await expect(s.login('steady@life.no')).resolves.toEqual(expect.any(String));
    const [row] = await s.app.db.dataSource.query('SELECT must_change_password AS m, active FROM users WHERE id = ?', [target.id]);
    expect([Number(row.m), Number(row.active)]).toEqual([0, 1]);
  });

  it('prunes tokens that expired or were revoked long ago, and keeps live ones', async () => {
    const u = await s.user('pruned@life.no', 'agent', ['helse']);
    const old = new Date(Date.now() - 40 * 24 * 3_600_000);
    await s.app.db.dataSource
      .getRepository('AuthToken')
      .insert({ id: 'f'.repeat(64), userId: u.id, scope: 'full', createdAt: old, expiresAt: old, revokedAt: null });
    const prune = s.app.auth.background?.find((w) => w.name === 'prune-auth-tokens');
    expect(prune).toBeDefined();
    const before = await s.count('auth_tokens');
    // Started again, it runs at once (runAtStart) and is stopped before its next tick.
    await prune!.stop();
    await prune!.start();
    await prune!.stop();
    await eventually(async () => (await s.count('auth_tokens')) === before - 1, 'the old token pruned');
    expect((await me(u.token)).status).toBe(200);
  });
});
