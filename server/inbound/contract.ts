import type { Channel, MessageKind, MessageStatus } from '../contracts/names';

/**
 * The contract every channel (SMS, voice, e-mail, web form) follows. An adapter verifies a
 * request, parses it with a pure function into these types, and sends through its provider SDK;
 * everything the register does with a contact is decided once, in server/inbound and server/register.
 */

/** A contact from a citizen, as a channel hands it to the register. */
export interface InboundContact {
  channel: Channel;
  /** The provider's id for this item (MessageSid, CallSid, Message-ID, form submission id): unique per channel. */
  externalId: string;
  from: { phone?: string; email?: string; name?: string };
  /** Our own number or mailbox that received it. */
  to: string | null;
  kind?: MessageKind;
  body: string;
  bodyHtml?: string | null;
  subject?: string | null;
  receivedAt: Date;
  meta?: Record<string, unknown>;
  /** What the channel knows about the thread: e-mail headers naming an inquiry, a department chosen in a menu or form. */
  thread?: { inquiryId?: number; caseNumber?: string };
  departmentCode?: string;
  /** How long a quiet open inquiry on this channel is still continued by a new message from the same citizen. */
  continueWithinMs?: number;
}

/** One outbound item for a channel to deliver. */
export interface OutboundMessage {
  /** The stored message; 0 for an item deliberately kept out of the register (a one-time code). */
  messageId: number;
  inquiryId: number | null;
  to: string;
  from: string | null;
  body: string;
  subject?: string | null;
  meta?: Record<string, unknown>;
}

export interface SendResult {
  /** The provider's id; null when nothing reached the provider (STOP list) or it refused outright. */
  externalId: string | null;
  status: MessageStatus;
  /** The address it actually went from, when the channel chose another than the one proposed. */
  from?: string | null;
  /** The provider's own word for the status, kept in the history. */
  providerStatus?: string | null;
  /** Kept with the status event: error code and text, why it was stopped. */
  detail?: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

export interface ChannelSender {
  send(message: OutboundMessage): Promise<SendResult>;
}
