import { EntitySchema } from 'typeorm';

/*
 * Mappings for the job table and officers' SMS sends (scheduled, held for approval, paused).
 * Kept apart from entities.ts so each feature's tables read on their own; entities.ts lists them.
 */

const id = { type: Number, primary: true, generated: 'increment' } as const;
const at = (name: string, nullable = false) => ({ type: 'datetime', name, precision: 3, nullable }) as const;

export const JOB_STATES = ['pending', 'running', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** One job of the embedded (database-backed) queue, used when REDIS_URL is not set. */
export interface JobRow {
  id: number;
  queue: string;
  jobKey: string;
  payload: Record<string, unknown>;
  state: JobState;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const JobEntity = new EntitySchema<JobRow>({
  name: 'Job',
  tableName: 'jobs',
  columns: {
    id,
    queue: { type: String, length: 64 },
    jobKey: { type: String, length: 191, name: 'job_key' },
    payload: { type: 'simple-json' },
    state: { type: String, length: 16 },
    runAt: at('run_at'),
    attempts: { type: Number },
    maxAttempts: { type: Number, name: 'max_attempts' },
    lockedUntil: at('locked_until', true),
    lastError: { type: 'text', name: 'last_error', nullable: true },
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

export const SEND_STATES = ['scheduled', 'awaiting_approval', 'paused', 'sending', 'sent', 'cancelled', 'rejected'] as const;
export type SendState = (typeof SEND_STATES)[number];

/** Why a send waits for a person: a link to a host not on the allow-list, or far more than the sender's normal volume. */
export interface HoldReason {
  urls?: string[];
  volume?: { recipients: number; dailyAverage: number };
}

/** One officer's send to one or more recipients: each recipient has its own message row and history. */
export interface SmsSend {
  id: number;
  departmentId: number;
  sender: string;
  body: string;
  sendAt: Date | null;
  state: SendState;
  holdReason: HoldReason | null;
  /** Who paused it: an admin pausing this send, or the whole sender number being paused. */
  pausedBy: 'send' | 'sender' | null;
  recipients: number;
  createdBy: number | null;
  approvedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export const SmsSendEntity = new EntitySchema<SmsSend>({
  name: 'SmsSend',
  tableName: 'sms_sends',
  columns: {
    id,
    departmentId: { type: Number, name: 'department_id' },
    sender: { type: String, length: 32 },
    body: { type: 'text' },
    sendAt: at('send_at', true),
    state: { type: String, length: 24 },
    holdReason: { type: 'simple-json', name: 'hold_reason', nullable: true },
    pausedBy: { type: String, length: 16, name: 'paused_by', nullable: true },
    recipients: { type: Number },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    approvedBy: { type: Number, name: 'approved_by', nullable: true },
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

/** What the SMS channel knows about one outbound message beyond the register: its send, country and operator. */
export interface SmsOutboundInfo {
  id: number;
  messageId: number;
  sendId: number | null;
  country: string | null;
  operator: string | null;
}
export const SmsOutboundInfoEntity = new EntitySchema<SmsOutboundInfo>({
  name: 'SmsOutboundInfo',
  tableName: 'sms_outbound',
  columns: {
    id,
    messageId: { type: Number, name: 'message_id' },
    sendId: { type: Number, name: 'send_id', nullable: true },
    country: { type: String, length: 2, nullable: true },
    operator: { type: String, length: 64, nullable: true },
  },
});

export const smsSendEntities = [JobEntity, SmsSendEntity, SmsOutboundInfoEntity];

