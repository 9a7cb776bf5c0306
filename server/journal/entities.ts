import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

/* Mappings for the journal: rules, archive settings, number series and one entry per journaled message. */

export const JOURNAL_RULE_KINDS = ['all', 'case', 'department', 'keyword'] as const;
export type JournalRuleKind = (typeof JOURNAL_RULE_KINDS)[number];

export interface JournalRule {
  id: number;
  kind: JournalRuleKind;
  /** The department code or keyword; null for 'all' and 'case'. */
  value: string | null;
}
export const JournalRuleEntity = new EntitySchema<JournalRule>({
  name: 'JournalRule',
  tableName: 'journal_rules',
  columns: { id, kind: { type: String, length: 16 }, value: { type: String, length: 191, nullable: true } },
});

export interface JournalSetting {
  key: string;
  value: string;
}
export const JournalSettingEntity = new EntitySchema<JournalSetting>({
  name: 'JournalSetting',
  tableName: 'journal_settings',
  columns: { key: { type: String, length: 64, primary: true, name: 'setting_key' }, value: { type: 'text' } },
});

/** A number series (journal year, a case's journal post numbers), advanced with a locked UPDATE. */
export interface JournalCounter {
  key: string;
  last: number;
}
export const JournalCounterEntity = new EntitySchema<JournalCounter>({
  name: 'JournalCounter',
  tableName: 'journal_counters',
  columns: { key: { type: String, length: 64, primary: true, name: 'counter_key' }, last: { type: Number, name: 'last_value' } },
});

export const DELIVERY_STATES = ['pending', 'delivered', 'dead', 'unconfigured'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One journal post (Noark 5 journalpost) with its document, frozen when it was made. */
export interface JournalEntry {
  id: number;
  systemId: string;
  messageId: number;
  channel: string;
  /** I: inngående (received), U: utgående (sent). */
  direction: 'I' | 'U';
  journalYear: number;
  journalSeq: number;
  /** Number of the post within its folder (the case, or the inquiry when there is no case). */
  postNumber: number;
  journalDate: Date;
  documentDate: Date;
  caseId: number | null;
  caseNumber: string | null;
  caseTitle: string | null;
  inquiryId: number;
  department: string;
  partyName: string;
  partyAddress: string | null;
  title: string;
  body: string;
  checksum: string;
  size: number;
  idempotencyKey: string;
  deliveryState: DeliveryState;
  attempts: number;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}
export const JournalEntryEntity = new EntitySchema<JournalEntry>({
  name: 'JournalEntry',
  tableName: 'journal_entries',
  columns: {
    id,
    systemId: { type: String, length: 36, name: 'system_id' },
    messageId: { type: Number, name: 'message_id' },
    channel: { type: String, length: 16 },
    direction: { type: String, length: 1 },
    journalYear: { type: Number, name: 'journal_year' },
    journalSeq: { type: Number, name: 'journal_seq' },
    postNumber: { type: Number, name: 'post_number' },
    journalDate: at('journal_date'),
    documentDate: at('document_date'),
    caseId: { type: Number, name: 'case_id', nullable: true },
    caseNumber: { type: String, length: 64, name: 'case_number', nullable: true },
    caseTitle: { type: String, length: 255, name: 'case_title', nullable: true },
    inquiryId: { type: Number, name: 'inquiry_id' },
    department: { type: String, length: 191 },
    partyName: { type: String, length: 191, name: 'party_name' },
    partyAddress: { type: String, length: 191, name: 'party_address', nullable: true },
    title: { type: String, length: 255 },
    body: { type: 'text' },
    checksum: { type: String, length: 64 },
    size: { type: Number },
    idempotencyKey: { type: String, length: 64, name: 'idempotency_key' },
    deliveryState: { type: String, length: 16, name: 'delivery_state' },
    attempts: { type: Number },
    lastError: { type: 'text', name: 'last_error', nullable: true },
    deliveredAt: at('delivered_at', true),
    createdAt: at('created_at'),
  },
});

export const journalEntities = [JournalRuleEntity, JournalSettingEntity, JournalCounterEntity, JournalEntryEntity];
