import { z } from 'zod';
import type { Composed } from '../index';
import type { Actor } from '../core/access';
import { email, text } from '../core/http/schemas';
import { hashPassword } from '../auth/module';

/*
 * Accounts from the command line, for whoever runs the server: the first administrator without
 * ADMIN_EMAIL, or another one; and the way back in for a user who lost their authenticator. Both
 * land in the audit trail under the route "cli …".
 */

export const adminInput = z
  .object({ email, name: text(191).default('Administrator'), password: z.string().min(10, 'must be at least 10 characters').max(1024) })
  .strict();

/** A refusal the command line prints as it is, without a stack. */
export class CliError extends Error {}

export async function createAdmin(server: Composed, input: z.input<typeof adminInput>): Promise<{ id: number; email: string }> {
  const parsed = adminInput.safeParse(input);
  if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  const a = parsed.data;
  if (await server.auth.users.byEmail(a.email.toLowerCase())) throw new CliError(`A user with e-mail ${a.email} already exists`);
  const switchboard = await server.register.departments.byCode('switchboard');
  const passwordHash = await hashPassword(a.password);
  const user = await server.db.transaction(async (m) => {
    const u = await server.auth.users.create(
      { email: a.email, name: a.name, passwordHash, role: 'admin', departmentIds: switchboard ? [switchboard.id] : [] },
      m,
    );
    await server.audit.record([{ userId: null, action: 'create', entityType: 'user', entityId: u.id, route: 'cli create-admin' }], m);
    return u;
  });
  return { id: user.id, email: user.email };
}

/** The administrator the command line acts as: the one named, or the first active one. */
export async function commandLineActor(server: Composed, asEmail?: string): Promise<Actor> {
  const user = asEmail ? await server.auth.users.byEmail(asEmail.toLowerCase()) : (await server.auth.users.byRole('admin')).find((u) => u.active);
  if (!user || user.role !== 'admin' || !user.active)
    throw new CliError(asEmail ? `${asEmail} is not an active administrator` : 'No active administrator: run create-admin first');
  return { id: user.id, name: user.name, email: user.email, role: user.role, departmentIds: await server.auth.users.departmentIds(user.id) };
}

export async function resetTotp(server: Composed, userEmail: string, asEmail?: string): Promise<void> {
  const user = await server.auth.users.byEmail(userEmail.toLowerCase());
  if (!user) throw new CliError(`No user with e-mail ${userEmail}`);
  // The user's sessions end too, as with the admin API: whoever holds the lost authenticator is out.
  await server.auth.lifecycle.resetTotp(await commandLineActor(server, asEmail), user.id, 'cli reset-totp');
}
