import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { isUniqueViolation } from '../core/db/database';
import { insertRow } from '../core/db/entity-sql';
import type { Scope } from '../core/access';
import { RosterAccountMessageEntity, RosterUnitEntity, type AccountMessageState, type RosterAccountMessage, type RosterUnit } from './entities';

/** Units' account settings and the log of welcome and reset messages. */
export class RosterAccountsRepository {
  constructor(private readonly deps: { db: Database }) {}

  private get manager() {
    return this.deps.db.dataSource.manager;
  }

  unit(departmentId: number): Promise<RosterUnit | null> {
    return this.manager.getRepository(RosterUnitEntity).findOne({ where: { departmentId } });
  }

  async saveUnit(departmentId: number, patch: Partial<RosterUnit>, by: number, at: Date, m: EntityManager): Promise<void> {
    const repo = m.getRepository(RosterUnitEntity);
    const existing = await repo.findOne({ where: { departmentId } });
    if (existing) await repo.update({ id: existing.id }, { ...patch, updatedBy: by, updatedAt: at });
    else
      await repo.insert({
        departmentId,
        resetUrl: null,
        resetToken: null,
        resetKeywords: null,
        welcomeTexts: null,
        ...patch,
        updatedBy: by,
        updatedAt: at,
      } as RosterUnit);
  }

  async insert(row: Omit<RosterAccountMessage, 'id'>, m?: EntityManager): Promise<number> {
    if (m) return insertRow(this.deps.db, m, RosterAccountMessageEntity, row);
    return this.deps.db.transaction((t) => insertRow(this.deps.db, t, RosterAccountMessageEntity, row));
  }

  /** A reset asked by this inbound SMS, once: a provider's retry finds the first one. */
  async insertResetOnce(row: Omit<RosterAccountMessage, 'id'>): Promise<{ row: RosterAccountMessage; inserted: boolean }> {
    try {
      const id = await this.insert(row);
      return { row: { id, ...row }, inserted: true };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const existing = await this.manager.getRepository(RosterAccountMessageEntity).findOne({ where: { inboundMessageId: row.inboundMessageId! } });
      if (!existing) throw e;
      return { row: existing, inserted: false };
    }
  }

  byId(id: number): Promise<RosterAccountMessage | null> {
    return this.manager.getRepository(RosterAccountMessageEntity).findOne({ where: { id } });
  }

  /** Takes a reset for one run: only while it still waits, and only once per attempt (two runs never both call the hook). */
  async claim(id: number, attempts: number, at: Date): Promise<boolean> {
    const r = await this.deps.db.statement((m) =>
      m
        .createQueryBuilder()
        .update(RosterAccountMessageEntity)
        .set({ attempts: attempts + 1, updatedAt: at })
        .where('id = :id AND attempts = :attempts AND state IN (:...states)', { id, attempts, states: ['pending', 'retrying'] })
        .execute(),
    );
    return (r.affected ?? 0) > 0;
  }

  async settle(
    id: number,
    patch: { state: AccountMessageState; error?: string | null; messageId?: number | null; externalId?: string | null },
    at: Date,
  ): Promise<void> {
    await this.deps.db.statement((m) => m.getRepository(RosterAccountMessageEntity).update({ id }, { ...patch, updatedAt: at }));
  }

  /** The log, newest first, with each message's own delivery status. */
  async list(scope: Scope, f: { kind?: 'welcome' | 'reset'; state?: AccountMessageState; limit: number }) {
    const qb = this.manager
      .getRepository(RosterAccountMessageEntity)
      .createQueryBuilder('a')
      .leftJoin('messages', 'x', 'x.id = a.message_id')
      .leftJoin('departments', 'd', 'd.id = a.department_id')
      .select([
        'a.id AS id',
        'a.kind AS kind',
        'd.code AS unit',
        'a.external_id AS externalId',
        'a.phone AS phone',
        'a.state AS state',
        'a.attempts AS attempts',
        'a.error AS error',
        'a.message_id AS messageId',
        'x.status AS status',
        'x.body AS body',
        'a.created_at AS createdAt',
        'a.updated_at AS updatedAt',
      ])
      .orderBy('a.id', 'DESC')
      .limit(f.limit);
    if (!scope.all) {
      if (!scope.departmentIds.length) return [];
      qb.andWhere('a.department_id IN (:...ids)', { ids: scope.departmentIds });
    }
    if (f.kind) qb.andWhere('a.kind = :kind', { kind: f.kind });
    if (f.state) qb.andWhere('a.state = :state', { state: f.state });
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      unit: r.unit,
      externalId: r.externalId ?? null,
      phone: r.phone,
      state: r.state,
      attempts: Number(r.attempts),
      error: r.error ?? null,
      messageId: r.messageId === null || r.messageId === undefined ? null : Number(r.messageId),
      status: r.status ?? null,
      body: r.body ?? null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
  }
}
