import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { PhoneVerificationEntity, VoiceCaseCategoryEntity, type PhoneVerification } from './entities';

/** One-time codes of the case-status line, and the per-category rule of who may hear a case. */
export class VerificationRepository {
  constructor(private readonly deps: { db: Database }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(PhoneVerificationEntity);
  }

  async insert(row: Omit<PhoneVerification, 'id'>): Promise<PhoneVerification> {
    return this.deps.db.transaction(async (m) => (await this.repo(m).save({ ...row })) as PhoneVerification);
  }

  latestForCall(callSid: string): Promise<PhoneVerification | null> {
    return this.repo().findOne({ where: { callSid }, order: { id: 'DESC' } });
  }

  /** After the answer: the case found and, when a code goes out, where and its hash. */
  async arm(id: number, patch: Pick<PhoneVerification, 'caseId' | 'sentTo' | 'codeHash'>): Promise<void> {
    await this.deps.db.transaction((m) => this.repo(m).update({ id }, patch));
  }

  /**
   * Counts one try at the code. Conditional on the count the caller saw, so two webhooks racing with
   * guesses cannot both use the same try.
   */
  async countAttempt(id: number, seen: number): Promise<boolean> {
    const r = await this.deps.db.transaction((m) =>
      this.repo(m)
        .createQueryBuilder()
        .update()
        .set({ attempts: seen + 1 })
        .where("id = :id AND attempts = :seen AND state = 'pending'", { id, seen })
        .execute(),
    );
    return (r.affected ?? 0) > 0;
  }

  async setState(id: number, state: PhoneVerification['state']): Promise<void> {
    await this.deps.db.transaction((m) => this.repo(m).update({ id }, { state }));
  }

  async callerIdOnly(category: string | null): Promise<boolean> {
    if (!category) return false;
    const row = await this.deps.db.dataSource.manager.getRepository(VoiceCaseCategoryEntity).findOne({ where: { category } });
    return Boolean(row?.callerIdOnly);
  }

  async setCategory(category: string, callerIdOnly: boolean): Promise<void> {
    await this.deps.db.transaction(async (m) => {
      const repo = m.getRepository(VoiceCaseCategoryEntity);
      const row = await repo.findOne({ where: { category } });
      if (row) await repo.update({ id: row.id }, { callerIdOnly });
      else await repo.insert({ category, callerIdOnly });
    });
  }
}
