import { Router } from 'express';
import type { AuthService } from './auth.service';
import type { MeView } from '../contracts/views';
import { actorOf, requireAuth, routeOf } from '../core/http/require-auth';
import { loginBody, newPasswordBody, totpBody } from './schemas';
import { parse } from '../core/http/validate';
import { describeRoutes } from '../core/http/openapi';

export function authRoutes(deps: { auth: AuthService }): Router {
  const r = Router();
  const enrolOk = requireAuth(deps.auth, { allowEnrolScope: true });
  // Me and logout answer whatever a token is limited to; the new password is what a `password` token is for.
  const anyScope = requireAuth(deps.auth, { allowEnrolScope: true, allowPasswordScope: true });
  const passwordOk = requireAuth(deps.auth, { allowPasswordScope: true });

  r.post('/login', async (req, res) => {
    const body = parse(loginBody, req.body);
    const result = await deps.auth.login(body, req.ip ?? 'unknown');
    res.json(result);
  });

  r.post('/logout', anyScope, async (_req, res) => {
    await deps.auth.logout(actorOf(res));
    res.status(204).end();
  });

  r.get('/me', anyScope, async (_req, res) => {
    const a = actorOf(res);
    const me: MeView = {
      user: { id: a.id, email: a.email, name: a.name, role: a.role, departments: a.departmentIds, totpEnabled: a.totpEnabled, locale: a.locale },
      scope: a.scope,
    };
    res.json(me);
  });

  r.post('/password', passwordOk, async (req, res) => {
    const body = parse(newPasswordBody, req.body);
    res.json(await deps.auth.changePassword(actorOf(res), body, routeOf(req), req.ip ?? 'unknown'));
  });

  r.post('/totp/enrol', enrolOk, async (_req, res) => {
    res.json(await deps.auth.enrolTotp(actorOf(res)));
  });

  r.post('/totp/confirm', enrolOk, async (req, res) => {
    const { totp } = parse(totpBody, req.body);
    res.json(await deps.auth.confirmTotp(actorOf(res), totp, req.ip ?? 'unknown'));
  });

  return r;
}

export const authRouteDocs = describeRoutes('auth', 'bearer', [
  ['POST /api/auth/login', 'Log in: {token, user}; 401 totp_required or invalid_totp for accounts with TOTP', { auth: 'none', body: loginBody }],
  ['POST /api/auth/logout', 'Ends this token', { response: { status: 204, type: 'none' } }],
  ['GET /api/auth/me', 'Who the token belongs to, and what it is limited to (enrol, password)'],
  ['POST /api/auth/password', 'Sets a new password (the only call a token limited to `password` may make)', { body: newPasswordBody }],
  ['POST /api/auth/totp/enrol', 'Starts TOTP enrolment: {secret, otpauthUrl}'],
  ['POST /api/auth/totp/confirm', 'Finishes TOTP enrolment with a first code', { body: totpBody }],
]);
