import type { MigrationInterface, QueryRunner } from 'typeorm';
import { collateColumns } from './helpers';

/**
 * Log-in e-mail addresses compare byte for byte, as citizens' addresses do since
 * 1732430000002. Under MariaDB's utf8mb4_unicode_ci `admin@kommunë.no` equals `admin@kommune.no`,
 * so a look-alike address typed at log-in found the real account (and shared its throttling).
 * Addresses are stored in lower case and looked up lower-cased; the rows are lower-cased here first
 * (in JavaScript, as the application does), so nobody who could log in before is locked out.
 * A row whose lower-case form another row already holds is left as it is rather than failing the
 * migration: the application only ever wrote lower case, so such a row was made by hand.
 */
export class BinaryUserEmails1732450000001 implements MigrationInterface {
  name = 'BinaryUserEmails1732450000001';

  async up(q: QueryRunner): Promise<void> {
    const users = (await q.manager.createQueryBuilder().select(['id', 'email']).from('users', 'u').getRawMany()) as { id: number; email: string }[];
    const taken = new Set(users.map((u) => u.email));
    for (const u of users) {
      const lower = u.email.toLowerCase();
      if (lower === u.email || taken.has(lower)) continue;
      await q.manager.createQueryBuilder().update('users').set({ email: lower }).where('id = :id', { id: u.id }).execute();
      taken.add(lower);
    }
    await collateColumns(q, { users: ['email'] }, 'utf8mb4_bin');
  }

  /** Back to folding; the lower-cased addresses stay lower-cased, which matched before as well. */
  async down(q: QueryRunner): Promise<void> {
    await collateColumns(q, { users: ['email'] }, 'utf8mb4_unicode_ci');
  }
}
