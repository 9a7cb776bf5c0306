import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { fromRow, selectList } from '../core/db/entity-sql';
import { AuthTokenEntity, UserEntity, type AuthToken, type User } from './entities';

/** Bearer tokens, stored only as their SHA-256 so a database leak yields no usable token. */
export class TokenRepository {
  constructor(private readonly deps: { db: Database }) {}

  async create(token: AuthToken, m: EntityManager): Promise<void> {
    await m.getRepository(AuthTokenEntity).insert(token);
  }

  byId(id: string): Promise<AuthToken | null> {
    return this.deps.db.dataSource.manager.getRepository(AuthTokenEntity).findOne({ where: { id } });
  }

  /**
   * The token with its user and the user's departments, in one statement: every API request and
   * every agent socket's re-check asks this, and three reads each were a fair share of the hot path.
   */
  async withHolder(id: string): Promise<{ token: AuthToken; user: User; departmentIds: number[] } | null> {
    const m = this.deps.db.dataSource.manager;
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT ${selectList(m, AuthTokenEntity, 't', 't_')}, ${selectList(m, UserEntity, 'u', 'u_')},` +
        ' (SELECT GROUP_CONCAT(ud.department_id) FROM user_departments ud WHERE ud.user_id = u.id) AS departmentIds' +
        ' FROM auth_tokens t INNER JOIN users u ON u.id = t.user_id WHERE t.id = ?',
      [id],
    );
    if (!rows.length) return null;
    const ids = rows[0].departmentIds;
    return {
      token: fromRow(m, AuthTokenEntity, rows[0], 't_'),
      user: fromRow(m, UserEntity, rows[0], 'u_'),
      departmentIds:
        ids === null || ids === undefined || ids === ''
          ? []
          : String(ids)
              .split(',')
              .map(Number)
              .sort((a, b) => a - b),
    };
  }

  async revoke(id: string, at: Date, m: EntityManager): Promise<void> {
    await m.getRepository(AuthTokenEntity).update({ id }, { revokedAt: at });
  }

  async setScope(id: string, scope: AuthToken['scope'], m: EntityManager): Promise<void> {
    await m.getRepository(AuthTokenEntity).update({ id }, { scope });
  }

  /** Revokes every live token of a user, but `except` (the one that is setting a new password). */
  async revokeAllOfUser(userId: number, at: Date, m: EntityManager, except?: string): Promise<void> {
    await m
      .getRepository(AuthTokenEntity)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: at })
      .where('user_id = :userId AND revoked_at IS NULL AND id <> :except', { userId, except: except ?? '' })
      .execute();
  }

  /** Deletes tokens that expired or were revoked before `before`: they can never pass again. */
  async prune(before: Date): Promise<number> {
    const r = await this.deps.db.dataSource.manager
      .getRepository(AuthTokenEntity)
      .createQueryBuilder()
      .delete()
      .where('expires_at < :before OR revoked_at < :before', { before })
      .execute();
    return r.affected ?? 0;
  }
}
