import { Router, type RequestHandler } from 'express';
import { assertAdmin } from '../core/access';
import type { AccountLifecycle } from './lifecycle.service';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { passwordResetBody } from './schemas';
import { describeRoutes } from '../core/http/openapi';

/** Administrators manage existing accounts: /users, /users/:id/{deactivate,reactivate,password-reset,totp-reset,sessions/revoke}. */
export function accountLifecycleRoutes(deps: { lifecycle: AccountLifecycle }): Router {
  const r = Router();
  const l = deps.lifecycle;
  // Checked before the body, so a non-admin learns nothing from validation errors. Per route, not
  // r.use: this router is mounted at /api beside others and must not stand in their way.
  const adminOnly: RequestHandler = (_req, res, next) => {
    assertAdmin(actorOf(res));
    next();
  };

  r.get('/users', adminOnly, async (req, res) => {
    res.json(await l.list(actorOf(res), routeOf(req)));
  });

  const simple = { deactivate: l.deactivate, reactivate: l.reactivate, 'totp-reset': l.resetTotp, 'sessions/revoke': l.revokeSessions } as const;
  for (const [path, action] of Object.entries(simple)) {
    r.post(`/users/:id/${path}`, adminOnly, async (req, res) => {
      const id = parse(idParam, req.params.id, 'user id');
      await action.call(l, actorOf(res), id, routeOf(req));
      res.status(204).end();
    });
  }

  r.post('/users/:id/password-reset', adminOnly, async (req, res) => {
    const id = parse(idParam, req.params.id, 'user id');
    const { temporaryPassword } = parse(passwordResetBody, req.body);
    await l.resetPassword(actorOf(res), id, temporaryPassword, routeOf(req));
    res.status(204).end();
  });

  return r;
}

const userId = { id: idParam };
export const accountLifecycleRouteDocs = describeRoutes('users', 'bearer', [
  ['GET /api/users', 'Every staff account', { roles: 'admin' }],
  [
    'POST /api/users/:id/deactivate',
    'Deactivates the account and ends its sessions',
    { roles: 'admin', params: userId, response: { status: 204, type: 'none' } },
  ],
  ['POST /api/users/:id/reactivate', 'Lets a deactivated account log in again', { roles: 'admin', params: userId, response: { status: 204, type: 'none' } }],
  [
    'POST /api/users/:id/totp-reset',
    'Removes the TOTP enrolment; the user enrols again at next log-in',
    { roles: 'admin', params: userId, response: { status: 204, type: 'none' } },
  ],
  ['POST /api/users/:id/sessions/revoke', 'Ends every session of the account', { roles: 'admin', params: userId, response: { status: 204, type: 'none' } }],
  [
    'POST /api/users/:id/password-reset',
    'Sets a temporary password the user must change at next log-in',
    { roles: 'admin', params: userId, body: passwordResetBody, response: { status: 204, type: 'none' } },
  ],
]);
