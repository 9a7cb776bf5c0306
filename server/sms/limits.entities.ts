import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

/* Mappings for the SMS traffic limits: countries we send to, and what was used of each daily cap. */

/** A country (ISO 3166 alpha-2) an admin allowed besides Norway, for automatic and staff sends. */
export interface SmsCountryAllow {
  id: number;
  country: string;
  createdBy: number | null;
  createdAt: Date;
}
export const SmsCountryAllowEntity = new EntitySchema<SmsCountryAllow>({
  name: 'SmsCountryAllow',
  tableName: 'sms_country_allowlist',
  columns: { id, country: { type: String, length: 2 }, createdBy: { type: Number, name: 'created_by', nullable: true }, createdAt: at('created_at') },
});

/** How much of one daily cap is used: `bucket` is `auto:receipt`, `auto:code` or `user:<id>`. */
export interface SmsDailyCount {
  id: number;
  day: string;
  bucket: string;
  used: number;
}
export const SmsDailyCountEntity = new EntitySchema<SmsDailyCount>({
  name: 'SmsDailyCount',
  tableName: 'sms_daily_counts',
  columns: { id, day: { type: String, length: 10 }, bucket: { type: String, length: 64 }, used: { type: Number } },
});

export const smsLimitEntities = [SmsCountryAllowEntity, SmsDailyCountEntity];
