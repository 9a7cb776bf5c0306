import type twilio from 'twilio';
import type { MessageStatus } from '../../server/contracts/names';
import { statusFromTwilio } from './parse';

/** One SMS for the provider to send, with the URL its delivery reports go to (none for a message outside the register). */
export interface ProviderSms {
  from: string;
  to: string;
  body: string;
  statusCallback?: string;
}

export interface ProviderSendResult {
  /** Twilio's MessageSid, or null when Twilio refused the message outright. */
  externalId: string | null;
  status: MessageStatus;
  providerStatus: string | null;
  error: { code: string; message: string } | null;
  numSegments: number | null;
}

export interface SmsProvider {
  send(sms: ProviderSms): Promise<ProviderSendResult>;
}

/**
 * Twilio through its own SDK. The client is injected, so the same class talks to Twilio, to a
 * stand-in at TWILIO_API_URL, or to the in-process simulator.
 */
export class TwilioSmsAdapter implements SmsProvider {
  constructor(private readonly deps: { client: twilio.Twilio }) {}

  async send(sms: ProviderSms): Promise<ProviderSendResult> {
    try {
      const r = await this.deps.client.messages.create({
        from: sms.from,
        to: sms.to,
        body: sms.body,
        ...(sms.statusCallback ? { statusCallback: sms.statusCallback } : {}),
      });
      const segments = Number(r.numSegments);
      return {
        externalId: r.sid,
        status: statusFromTwilio(r.status) ?? 'queued',
        providerStatus: r.status,
        error: r.errorCode ? { code: String(r.errorCode), message: r.errorMessage ?? `Twilio error ${r.errorCode}` } : null,
        numSegments: Number.isFinite(segments) && segments > 0 ? segments : null,
      };
    } catch (e) {
      // Twilio refused this message (bad number, unsubscribed recipient): a final answer, not an outage.
      const rest = e as { status?: number; code?: number; message?: string };
      if (typeof rest.status === 'number' && rest.status >= 400 && rest.status < 500 && rest.status !== 429) {
        return {
          externalId: null,
          status: 'failed',
          providerStatus: null,
          error: { code: String(rest.code ?? rest.status), message: (rest.message ?? 'Refused by Twilio').slice(0, 500) },
          numSegments: null,
        };
      }
      throw e;
    }
  }
}
