import type { EntityManager } from 'typeorm';
import type { Database } from './db/database';
import { AuditEventEntity } from './audit.entities';

export interface AuditEntry {
  userId: number | null;
  action: 'read' | 'create' | 'update' | 'delete' | 'login' | 'logout' | 'transfer' | 'speak' | 'export' | 'erase';
  entityType:
    | 'contact'
    | 'case'
    | 'inquiry'
    | 'message'
    | 'user'
    | 'department'
    | 'call'
    | 'sms_send'
    | 'sms_policy'
    | 'journal'
    | 'api_key'
    | 'totp_policy'
    | 'outbound_host'
    | 'attachment_policy'
    | 'alert_subscriber'
    | 'address_register'
    | 'alert_category'
    | 'alert_reminder'
    | 'audit_trail'
    | 'retention_rule'
    | 'legal_hold'
    | 'purge'
    | 'roster_person'
    | 'roster_unit'
    | 'roster_account_message';
  entityId: string | number;
  route: string;
  ip?: string | null;
}

/** Append-only: this class has no update or delete, by design. */
export class AuditRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  async record(entries: AuditEntry[], m?: EntityManager): Promise<void> {
    if (!entries.length) return;
    const at = this.deps.clock();
    const rows = entries.map((e) => ({
      at,
      userId: e.userId,
      action: e.action,
      entityType: e.entityType,
      entityId: String(e.entityId),
      route: e.route.slice(0, 191),
      ip: e.ip?.slice(0, 64) ?? null,
    }));
    if (m) await m.getRepository(AuditEventEntity).insert(rows);
    else await this.deps.db.transaction((tm) => tm.getRepository(AuditEventEntity).insert(rows));
  }

  /**
   * The one delete the database allows (migration ProtectAuditTrail): these events, if older than
   * `before`, for the retention purge. The permit row lives only inside this transaction, so no
   * other statement ever sees it. Answers how many were deleted.
   */
  async purgeIds(ids: number[], before: Date): Promise<number> {
    if (!ids.length) return 0;
    const at = this.deps.db.param(before);
    return this.deps.db.transaction(async (m) => {
      await m.query('INSERT INTO audit_purge_permits (purge_before) VALUES (?)', [at]);
      const r = (await m.queryRunner!.query(`DELETE FROM audit_events WHERE at < ? AND id IN (${ids.map(() => '?').join(',')})`, [at, ...ids], true)) as {
        affected?: number;
      };
      await m.query('DELETE FROM audit_purge_permits WHERE purge_before = ?', [at]);
      return r.affected ?? 0;
    });
  }

  /** Up to `limit` of the oldest events before `before`, purged (see purgeIds). */
  async purgeOlderThan(before: Date, limit: number): Promise<number> {
    const rows: { id: unknown }[] = await this.deps.db.dataSource.query(
      `SELECT id FROM audit_events WHERE at < ? ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`,
      [this.deps.db.param(before)],
    );
    return this.purgeIds(
      rows.map((r) => Number(r.id)),
      before,
    );
  }

  forEntity(entityType: string, entityId: string | number) {
    return this.deps.db.dataSource.manager.getRepository(AuditEventEntity).find({ where: { entityType, entityId: String(entityId) }, order: { id: 'ASC' } });
  }
}
