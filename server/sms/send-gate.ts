import type { SmsSend } from './sends.entities';

/** What decides, before anything is stored, whether a send must wait: a paused sender, or a reason for approval. */
export interface SendGate {
  hold(send: {
    sender: string;
    body: string;
    recipients: number;
    /** Who sends: whether they have TOTP decides how large a send may go without approval. */
    actor: { id: number; totpEnabled: boolean };
  }): Promise<{ state: 'paused' | 'awaiting_approval'; reason: SmsSend['holdReason']; pausedBy?: 'sender' } | null>;
  senderPaused(sender: string): Promise<boolean>;
  /** The numbers (E.164) in countries SMS may not go to. */
  outsideCountries(phones: string[]): Promise<{ phone: string; country: string | null }[]>;
  /** Operator of a number from the configured prefix table, when there is one. */
  operatorOf(phone: string): Promise<string | null>;
}
