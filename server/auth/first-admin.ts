import type { Logger } from 'pino';
import type { Config } from '../core/config';
import type { Database } from '../core/db/database';
import { hashPassword } from './passwords';
import type { UserRepository } from './users.repository';

export const DEMO_ADMIN = { email: 'admin@servicetorg.demo', password: 'demo-admin-password' };

/**
 * On an empty user table, creates the first administrator from ADMIN_EMAIL/ADMIN_PASSWORD, or in
 * demo mode from demo values that start-up prints.
 */
export async function ensureFirstAdmin(
  deps: { db: Database; users: UserRepository; logger: Logger; switchboardId: number | null },
  config: Config,
): Promise<{ email: string; password: string; demo: boolean } | null> {
  if ((await deps.users.count()) > 0) return null;
  const chosen = config.firstAdmin ? { ...config.firstAdmin, demo: false } : config.demoData ? { ...DEMO_ADMIN, demo: true } : null;
  if (!chosen) {
    deps.logger.warn('No user exists: set ADMIN_EMAIL and ADMIN_PASSWORD to create the first administrator');
    return null;
  }
  const passwordHash = await hashPassword(chosen.password);
  await deps.db.transaction((m) =>
    deps.users.create(
      { email: chosen.email, name: 'Administrator', passwordHash, role: 'admin', departmentIds: deps.switchboardId ? [deps.switchboardId] : [] },
      m,
    ),
  );
  return chosen;
}
