import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

/* Mappings for admins' SMS rules: allowed link hosts, paused sender numbers, operator prefixes. */

/** A web host officers may link to without review (subdomains included); managed by admins. */
export interface SmsUrlAllow {
  id: number;
  host: string;
  createdBy: number | null;
  createdAt: Date;
}
export const SmsUrlAllowEntity = new EntitySchema<SmsUrlAllow>({
  name: 'SmsUrlAllow',
  tableName: 'sms_url_allowlist',
  columns: { id, host: { type: String, length: 191 }, createdBy: { type: Number, name: 'created_by', nullable: true }, createdAt: at('created_at') },
});

/** A sender number an admin paused on suspicion of abuse: its sends wait until resumed. */
export interface SmsSenderHold {
  id: number;
  sender: string;
  reason: string | null;
  createdBy: number | null;
  createdAt: Date;
}
export const SmsSenderHoldEntity = new EntitySchema<SmsSenderHold>({
  name: 'SmsSenderHold',
  tableName: 'sms_sender_holds',
  columns: {
    id,
    sender: { type: String, length: 32 },
    reason: { type: String, length: 500, nullable: true },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt: at('created_at'),
  },
});

/** Number prefix → mobile operator, for views when the delivery report does not name one. */
export interface SmsOperatorPrefix {
  id: number;
  prefix: string;
  operator: string;
}
export const SmsOperatorPrefixEntity = new EntitySchema<SmsOperatorPrefix>({
  name: 'SmsOperatorPrefix',
  tableName: 'sms_operator_prefixes',
  columns: { id, prefix: { type: String, length: 20 }, operator: { type: String, length: 64 } },
});

export const smsPolicyEntities = [SmsUrlAllowEntity, SmsSenderHoldEntity, SmsOperatorPrefixEntity];
