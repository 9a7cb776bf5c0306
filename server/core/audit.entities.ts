import { EntitySchema } from 'typeorm';
import { id } from './db/columns';

/** The append-only audit trail: who read or changed what, when, from where. */

export interface AuditEvent {
  id: number;
  at: Date;
  userId: number | null;
  action: string;
  entityType: string;
  entityId: string;
  route: string;
  ip: string | null;
}
export const AuditEventEntity = new EntitySchema<AuditEvent>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  columns: {
    id,
    at: { type: 'datetime', precision: 3 },
    userId: { type: Number, name: 'user_id', nullable: true },
    action: { type: String, length: 32 },
    entityType: { type: String, length: 32, name: 'entity_type' },
    entityId: { type: String, length: 64, name: 'entity_id' },
    route: { type: String, length: 191 },
    ip: { type: String, length: 64, nullable: true },
  },
});

export const auditEntities = [AuditEventEntity];
