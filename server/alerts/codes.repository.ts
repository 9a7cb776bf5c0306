import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { AlertCodeEntity, type AlertCode } from './codes.entities';

/** The one-time codes of resident alerts: the only code that touches alert_codes. */
export class AlertCodeRepository {
  constructor(private readonly deps: { db: Database }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(AlertCodeEntity);
  }

  /** Stores a new code and retires the number's earlier pending ones, in one transaction. */
  async issue(row: Omit<AlertCode, 'id' | 'state' | 'usedAt'>): Promise<AlertCode> {
    return this.deps.db.transaction(async (m) => {
      await this.repo(m).update({ phone: row.phone, state: 'pending' }, { state: 'replaced' });
      return (await this.repo(m).save({ ...row, state: 'pending', usedAt: null })) as AlertCode;
    });
  }

  /** The number's current code: the latest, still pending. */
  latestPending(phone: string): Promise<AlertCode | null> {
    return this.repo().findOne({ where: { phone, state: 'pending' }, order: { id: 'DESC' } });
  }

  /**
   * Spends the code inside the caller's transaction: conditional on it still being pending and
   * unexpired, so of two requests racing with one code only one gets true.
   */
  async use(id: number, now: Date, m: EntityManager): Promise<boolean> {
    const r = await this.repo(m)
      .createQueryBuilder()
      .update()
      .set({ state: 'used', usedAt: now })
      .where("id = :id AND state = 'pending' AND expires_at > :now", { id, now: this.deps.db.param(now) })
      .execute();
    return (r.affected ?? 0) > 0;
  }
}
