import { z } from 'zod';
import type { MessageStatus } from '../../server/contracts/names';
import type { InboundContact } from '../../server/inbound/contract';
import { keywordOf, type SmsKeyword } from './keywords';

/*
 * Pure translation of Twilio's webhook bodies into our own types. No SDK, no clock, no database:
 * every function here takes the form Twilio posted (as `unknown`) and the time we received it.
 */

/** An inquiry continues a citizen's open SMS thread to the same number if it was active within 14 days. */
export const SMS_CONTINUE_WITHIN_MS = 14 * 24 * 3600_000;

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be ${prefix} followed by 32 hex digits`);
/** Twilio sends numbers in E.164, short codes and alphanumeric ids; anything longer is not an address. */
const address = z.string().trim().min(1).max(64);
const formField = z.string().max(4000);

const inboundForm = z.object({
  MessageSid: sid('(SM|MM)'),
  AccountSid: sid('AC'),
  From: address,
  To: address,
  Body: z.string().max(10_000).default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
  NumSegments: z.coerce.number().int().min(0).max(100).optional(),
  MessagingServiceSid: sid('MG').optional(),
  FromCountry: formField.optional(),
  FromCity: formField.optional(),
});

export interface InboundSms extends InboundContact {
  channel: 'sms';
  to: string;
  /** What the whole text is, if it is an opt-out keyword (STOP, START, HELP); the service acts on it. */
  keyword: SmsKeyword | null;
  meta: { accountSid: string; media: { url: string; contentType: string | null }[]; numSegments?: number; fromCountry?: string; messagingServiceSid?: string };
}

/** An inbound SMS or MMS webhook as an inbound contact for the register, or null when the form is not one. */
export function parseInboundSms(body: unknown, receivedAt: Date): InboundSms | null {
  const form = inboundForm.safeParse(body);
  if (!form.success) return null;
  const f = form.data;
  const raw = body as Record<string, unknown>;
  const media: InboundSms['meta']['media'] = [];
  for (let i = 0; i < f.NumMedia; i++) {
    const url = raw[`MediaUrl${i}`];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url) || url.length > 2000) return null;
    const type = raw[`MediaContentType${i}`];
    media.push({ url, contentType: typeof type === 'string' ? type.slice(0, 127) : null });
  }
  return {
    channel: 'sms',
    externalId: f.MessageSid,
    from: { phone: f.From },
    to: f.To,
    kind: 'message',
    body: f.Body,
    keyword: keywordOf(f.Body),
    receivedAt,
    continueWithinMs: SMS_CONTINUE_WITHIN_MS,
    meta: {
      accountSid: f.AccountSid,
      media,
      ...(f.NumSegments !== undefined ? { numSegments: f.NumSegments } : {}),
      ...(f.FromCountry ? { fromCountry: f.FromCountry } : {}),
      ...(f.MessagingServiceSid ? { messagingServiceSid: f.MessagingServiceSid } : {}),
    },
  };
}

/**
 * Twilio's message statuses in our status model, in one place. `null` means Twilio sent a status
 * we do not know; the caller records it as history and changes nothing.
 */
export function statusFromTwilio(twilioStatus: string): MessageStatus | null {
  switch (twilioStatus.toLowerCase()) {
    case 'accepted': // a Messaging Service took it and has not queued it yet
    case 'queued':
    case 'sending': // still on Twilio's side, not yet with the operator
    case 'receiving':
      return 'queued';
    case 'scheduled':
      return 'scheduled';
    case 'sent': // the operator has it; awaiting its delivery report
      return 'sent';
    case 'delivered':
    case 'read': // read implies delivered; we promise no more than delivery
    case 'received': // inbound: it reached us
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'stopped';
    default:
      return null;
  }
}

/** Twilio's texts for the error codes its delivery reports carry most often (its callbacks send only the code). */
const ERROR_TEXTS: Record<string, string> = {
  '21610': 'The recipient has replied STOP to this sender',
  '21614': 'Not a mobile number',
  '30001': 'Queue overflow',
  '30002': 'Account suspended',
  '30003': 'Unreachable destination handset',
  '30004': 'Message blocked',
  '30005': 'Unknown destination handset',
  '30006': 'Landline or unreachable carrier',
  '30007': 'Message filtered by the carrier',
  '30008': 'Unknown error',
  '30032': 'Toll-free number has not been verified',
  '30034': 'Message from an unregistered number',
};

const statusForm = z.object({
  MessageSid: sid('(SM|MM)'),
  AccountSid: sid('AC'),
  MessageStatus: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[a-z_-]+$/i, 'must be a status word'),
  ErrorCode: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional(),
  ErrorMessage: formField.optional(),
  RawDlrDoneDate: z.string().max(32).optional(),
  To: address.optional(),
  From: address.optional(),
});

/** One delivery report, neutral of Twilio: the provider's words are kept next to ours. */
export interface SmsStatusEvent {
  externalId: string;
  /** Our status, or null when Twilio sent one we do not know. */
  status: MessageStatus | null;
  providerStatus: string;
  at: Date;
  error: { code: string; message: string } | null;
  detail: Record<string, unknown>;
}

/** A status callback as a status event, or null when the form is not one. */
export function parseStatusCallback(body: unknown, receivedAt: Date): SmsStatusEvent | null {
  const form = statusForm.safeParse(body);
  if (!form.success) return null;
  const f = form.data;
  const providerStatus = f.MessageStatus.toLowerCase();
  const error =
    f.ErrorCode && f.ErrorCode !== '0' ? { code: f.ErrorCode, message: f.ErrorMessage || ERROR_TEXTS[f.ErrorCode] || `Twilio error ${f.ErrorCode}` } : null;
  const detail: Record<string, unknown> = {};
  if (error) {
    detail.errorCode = error.code;
    detail.errorMessage = error.message;
  }
  if (f.RawDlrDoneDate) detail.operatorDoneAt = f.RawDlrDoneDate;
  return { externalId: f.MessageSid, status: statusFromTwilio(providerStatus), providerStatus, at: receivedAt, error, detail };
}
