import type { Config } from '../core/config';
import type { CoreGraph } from '../index';
import { SWITCHBOARD } from './departments.repository';
import { hashPassword } from '../auth/passwords';

/** The switchboard takes whatever no department owns; it exists from the first start. */
export async function ensureSwitchboard(core: Pick<CoreGraph, 'db' | 'repos'>): Promise<void> {
  if (await core.repos.departments.byCode(SWITCHBOARD)) return;
  await core.db.transaction(async (m) => {
    const again = (await m.query(`SELECT id FROM departments WHERE code = ?`, [SWITCHBOARD])) as unknown[];
    if (again.length) return;
    await core.repos.departments.create({ code: SWITCHBOARD, name: 'Sentralbord', menuDigit: null }, m);
  });
  core.repos.departments.invalidate();
}

export const DEMO_ADMIN = { email: 'admin@servicetorg.demo', password: 'demo-admin-password' };

/**
 * On an empty user table, creates the first administrator from ADMIN_EMAIL/ADMIN_PASSWORD, or in
 * demo mode from demo values that start-up prints.
 */
export async function ensureFirstAdmin(core: Pick<CoreGraph, 'db' | 'repos' | 'logger'>, config: Config): Promise<{ email: string; password: string; demo: boolean } | null> {
  if ((await core.repos.users.count()) > 0) return null;
  const chosen = config.firstAdmin ? { ...config.firstAdmin, demo: false } : config.demoData ? { ...DEMO_ADMIN, demo: true } : null;
  if (!chosen) {
    core.logger.warn('No user exists: set ADMIN_EMAIL and ADMIN_PASSWORD to create the first administrator');
    return null;
  }
  const passwordHash = await hashPassword(chosen.password);
  const switchboard = await core.repos.departments.byCode(SWITCHBOARD);
  await core.db.transaction((m) => core.repos.users.create({ email: chosen.email, name: 'Administrator', passwordHash, role: 'admin', departmentIds: switchboard ? [switchboard.id] : [] }, m));
  return chosen;
}
