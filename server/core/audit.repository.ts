import type { EntityManager } from 'typeorm';
import type { Database } from './db/database';
import { AuditEventEntity } from './audit.entities';

export interface AuditEntry {
  userId: number | null;
  action: 'read' | 'create' | 'update' | 'delete' | 'login' | 'logout' | 'transfer' | 'speak';
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

  forEntity(entityType: string, entityId: string | number) {
    return this.deps.db.dataSource.manager.getRepository(AuditEventEntity).find({ where: { entityType, entityId: String(entityId) }, order: { id: 'ASC' } });
  }
}
