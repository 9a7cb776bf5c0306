import { EntitySchema } from 'typeorm';
import { createdAt, id } from '../core/db/columns';

/** The STOP list and saved recipient groups. */

export interface SmsStopEntry {
  id: number;
  /** Our sender number (E.164) the citizen wrote STOP to. */
  sender: string;
  phone: string;
  createdAt: Date;
  messageId: number | null;
}
export const SmsStopEntryEntity = new EntitySchema<SmsStopEntry>({
  name: 'SmsStopEntry',
  tableName: 'sms_stop_list',
  columns: {
    id,
    sender: { type: String, length: 32 },
    phone: { type: String, length: 32 },
    createdAt,
    messageId: { type: Number, name: 'message_id', nullable: true },
  },
});

export interface SmsGroup {
  id: number;
  name: string;
  departmentId: number;
  createdBy: number | null;
  createdAt: Date;
}
export const SmsGroupEntity = new EntitySchema<SmsGroup>({
  name: 'SmsGroup',
  tableName: 'sms_groups',
  columns: {
    id,
    name: { type: String, length: 191 },
    departmentId: { type: Number, name: 'department_id' },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt,
  },
});

export interface SmsGroupMember {
  id: number;
  groupId: number;
  phone: string;
  name: string | null;
}
export const SmsGroupMemberEntity = new EntitySchema<SmsGroupMember>({
  name: 'SmsGroupMember',
  tableName: 'sms_group_members',
  columns: {
    id,
    groupId: { type: Number, name: 'group_id' },
    phone: { type: String, length: 32 },
    name: { type: String, length: 191, nullable: true },
  },
});

export const smsEntities = [SmsStopEntryEntity, SmsGroupEntity, SmsGroupMemberEntity];
