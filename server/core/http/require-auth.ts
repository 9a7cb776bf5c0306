import type { Request, RequestHandler, Response } from 'express';
import type { AuthenticatedActor, Authenticator } from '../access';
import { AppError } from '../errors';

export function bearerToken(req: Request): string | null {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m ? m[1] : null;
}

/**
 * Requires a valid bearer token. A token limited to enrolment (an admin without TOTP) passes only
 * where `allowEnrolScope` is set: the enrol, confirm, me and logout calls. A token of a user whose
 * password an administrator reset passes only where `allowPasswordScope` is set (me, logout, password).
 */
export function requireAuth(auth: Authenticator, opts: { allowEnrolScope?: boolean; allowPasswordScope?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (!token) throw new AppError(401, 'unauthenticated', 'A bearer token is required');
    const actor = await auth.authenticate(token);
    if (!actor) throw new AppError(401, 'invalid_token', 'The token is unknown, expired or revoked');
    if (actor.scope === 'enrol' && !opts.allowEnrolScope) {
      throw new AppError(403, 'totp_enrolment_required', 'Enrol two-factor authentication before doing anything else');
    }
    if (actor.scope === 'password' && !opts.allowPasswordScope) {
      throw new AppError(403, 'password_change_required', 'Set a new password before doing anything else');
    }
    res.locals.actor = actor;
    next();
  };
}

export const actorOf = (res: Response): AuthenticatedActor => res.locals.actor as AuthenticatedActor;

/** "POST /api/inquiries/:id": the route pattern, for audit records. */
export const routeOf = (req: Request) => `${req.method} ${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
