import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';
import { smsSeriesEntities } from './series.entities';

/** Officers' SMS sends (scheduled, held for approval, paused) and what is known of each outbound SMS. */

export const SEND_STATES = ['scheduled', 'awaiting_approval', 'paused', 'sending', 'sent', 'cancelled', 'rejected'] as const;
export type SendState = (typeof SEND_STATES)[number];

/**
 * Why a send waits for a person: a link to a host not on the allow-list, far more than the
 * sender's normal volume, a batch too large for a user without TOTP, or the user's daily cap.
 */
export interface HoldReason {
  urls?: string[];
  volume?: { recipients: number; dailyAverage: number };
  batch?: { recipients: number; limit: number; totp: false };
  daily?: { recipients: number; limit: number };
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

/**
 * What a send to an audience adds to its send: the audience as asked, emergency, the one register
 * inquiry its messages are filed under (with the message that holds the text as composed, which
 * the journal files once for the whole send), and how many messages were handed to the provider.
 */
export interface SmsBroadcast {
  id: number;
  sendId: number;
  inquiryId: number;
  documentId: number;
  audience: Record<string, unknown>;
  emergency: boolean;
  /** False when the officer chose to send within quiet hours (audited). */
  quietHours: boolean;
  /** The recurring send this occurrence belongs to. */
  seriesId: number | null;
  dispatched: number;
  createdAt: Date;
}
export const SmsBroadcastEntity = new EntitySchema<SmsBroadcast>({
  name: 'SmsBroadcast',
  tableName: 'sms_broadcasts',
  columns: {
    id,
    sendId: { type: Number, name: 'send_id' },
    inquiryId: { type: Number, name: 'inquiry_id' },
    documentId: { type: Number, name: 'document_id' },
    audience: { type: 'simple-json' },
    emergency: { type: Boolean, default: false },
    quietHours: { type: Boolean, name: 'quiet_hours', default: true },
    seriesId: { type: Number, name: 'series_id', nullable: true },
    dispatched: { type: Number, default: 0 },
    createdAt: at('created_at'),
  },
});

/** How many messages per second a sender number may hand to the provider (the carrier's limit). */
export interface SmsSenderRate {
  id: number;
  sender: string;
  perSecond: number;
  updatedBy: number | null;
  updatedAt: Date;
}
export const SmsSenderRateEntity = new EntitySchema<SmsSenderRate>({
  name: 'SmsSenderRate',
  tableName: 'sms_sender_rates',
  columns: {
    id,
    sender: { type: String, length: 32 },
    perSecond: { type: Number, name: 'per_second' },
    updatedBy: { type: Number, name: 'updated_by', nullable: true },
    updatedAt: at('updated_at'),
  },
});

export const smsSendEntities = [SmsSendEntity, SmsOutboundInfoEntity, SmsBroadcastEntity, SmsSenderRateEntity, ...smsSeriesEntities];
