import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

/* Mappings of the voice channel's tables (migrations 1732200000001 and …002). */

export const CALL_STATES = ['menu', 'queued', 'connected', 'ended'] as const;
export type CallStateName = (typeof CALL_STATES)[number];
export type CallOutcome = 'answered' | 'missed' | 'callback' | 'abandoned' | 'failed';

export interface CallRecord {
  id: number;
  callSid: string;
  fromE164: string | null;
  toNumber: string | null;
  state: CallStateName;
  lang: string;
  departmentId: number | null;
  inquiryId: number | null;
  messageId: number | null;
  agentId: number | null;
  transferFromId: number | null;
  transferNote: string | null;
  outcome: CallOutcome | null;
  duration: number | null;
  queuedAt: Date | null;
  notifiedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export const CallEntity = new EntitySchema<CallRecord>({
  name: 'Call',
  tableName: 'calls',
  columns: {
    id,
    callSid: { type: String, length: 64, name: 'call_sid' },
    fromE164: { type: String, length: 32, name: 'from_e164', nullable: true },
    toNumber: { type: String, length: 32, name: 'to_number', nullable: true },
    state: { type: String, length: 16 },
    lang: { type: String, length: 8 },
    departmentId: { type: Number, name: 'department_id', nullable: true },
    inquiryId: { type: Number, name: 'inquiry_id', nullable: true },
    messageId: { type: Number, name: 'message_id', nullable: true },
    agentId: { type: Number, name: 'agent_id', nullable: true },
    transferFromId: { type: Number, name: 'transfer_from_id', nullable: true },
    transferNote: { type: String, length: 500, name: 'transfer_note', nullable: true },
    outcome: { type: String, length: 16, nullable: true },
    duration: { type: Number, nullable: true },
    queuedAt: at('queued_at', true),
    notifiedAt: at('notified_at', true),
    answeredAt: at('answered_at', true),
    endedAt: at('ended_at', true),
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

export interface PhoneVerification {
  id: number;
  callSid: string;
  caseId: number | null;
  /** The digits the caller keyed as a case number, whether or not such a case exists: the per-case limit counts these. */
  caseKey: string | null;
  fromE164: string | null;
  sentTo: string | null;
  codeHash: string | null;
  salt: string;
  attempts: number;
  state: 'pending' | 'verified' | 'locked' | 'refused';
  expiresAt: Date;
  createdAt: Date;
}
export const PhoneVerificationEntity = new EntitySchema<PhoneVerification>({
  name: 'PhoneVerification',
  tableName: 'phone_verifications',
  columns: {
    id,
    callSid: { type: String, length: 64, name: 'call_sid' },
    caseId: { type: Number, name: 'case_id', nullable: true },
    caseKey: { type: String, length: 20, name: 'case_key', nullable: true },
    fromE164: { type: String, length: 32, name: 'from_e164', nullable: true },
    sentTo: { type: String, length: 32, name: 'sent_to', nullable: true },
    codeHash: { type: String, length: 64, name: 'code_hash', nullable: true },
    salt: { type: String, length: 32 },
    attempts: { type: Number },
    state: { type: String, length: 16 },
    expiresAt: at('expires_at'),
    createdAt: at('created_at'),
  },
});

export interface VoiceCaseCategory {
  id: number;
  category: string;
  callerIdOnly: boolean;
}
export const VoiceCaseCategoryEntity = new EntitySchema<VoiceCaseCategory>({
  name: 'VoiceCaseCategory',
  tableName: 'voice_case_categories',
  columns: {
    id,
    category: { type: String, length: 64 },
    callerIdOnly: { type: Boolean, name: 'caller_id_only', default: false },
  },
});

export const voiceEntities = [CallEntity, PhoneVerificationEntity, VoiceCaseCategoryEntity];
