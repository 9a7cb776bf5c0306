import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { AuthTokenEntity, type AuthToken } from './entities';

/** Bearer tokens, stored only as their SHA-256 so a database leak yields no usable token. */
export class TokenRepository {
  constructor(private readonly deps: { db: Database }) {}

  async create(token: AuthToken, m: EntityManager): Promise<void> {
    await m.getRepository(AuthTokenEntity).insert(token);
  }

  byId(id: string): Promise<AuthToken | null> {
    return this.deps.db.dataSource.manager.getRepository(AuthTokenEntity).findOne({ where: { id } });
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
