import type { CountryCode } from 'libphonenumber-js';
import type { Database } from '../core/db/database';
import type { StopListRepository } from './stop-list.repository';
import type { InboundResult, InboundService } from '../inbound/module';
import { toE164 } from '../core/phone';
import { fitsColumn } from '../core/db/columns';
import { SmsStopEntryEntity } from './entities';
import type { InboundSms } from '../../channels/twilio-sms/parse';

export interface SmsInboundDeps {
  db: Database;
  inbound: InboundService;
  stopList: StopListRepository;
  defaultCountry: CountryCode;
  /** Answers HELP/HJELP from the number it was sent to; recorded on the inquiry like any reply. */
  answerHelp: (inquiryId: number, citizen: string, ourNumber: string) => Promise<void>;
}

/** A STOP a citizen sent to one of our numbers, after the stop list has it. */
export interface StopReceived {
  /** The citizen's number, E.164. */
  phone: string;
  /** Our number it was sent to. */
  ourNumber: string;
  at: Date;
}

/** Any other SMS a citizen sent to one of our numbers, after the register has it (a provider's retry too). */
export interface SmsReceived {
  phone: string;
  ourNumber: string;
  body: string;
  at: Date;
  inquiryId: number;
  messageId: number;
  /** The provider delivered it before; a listener must do nothing twice. */
  duplicate: boolean;
}

/**
 * An SMS from a citizen: recorded in the register like every inbound contact (keywords too, they
 * are part of the record), then STOP/START change that sender number's stop list and HELP is answered.
 */
export class SmsInboundService {
  private readonly stopListeners: ((stop: StopReceived) => Promise<unknown>)[] = [];
  private readonly messageListeners: ((sms: SmsReceived) => Promise<unknown>)[] = [];

  constructor(private readonly deps: SmsInboundDeps) {}

  /**
   * Another feature's part in a STOP (resident alerts end the subscription). Awaited before the
   * webhook answers, so a failure there makes the provider retry, and the retry repeats every part.
   */
  onStop(listener: (stop: StopReceived) => Promise<unknown>): void {
    this.stopListeners.push(listener);
  }

  /**
   * Another feature's part in an SMS that is no STOP, START or HELP (a roster's password-reset
   * keyword, an answer to an emergency). Awaited before the webhook answers, like onStop, and told
   * of a provider's retry too, so what a failure left undone is done then.
   */
  onMessage(listener: (sms: SmsReceived) => Promise<unknown>): void {
    this.messageListeners.push(listener);
  }

  async receive(sms: InboundSms): Promise<InboundResult> {
    const to = toE164(sms.to, this.deps.defaultCountry) ?? sms.to;
    const result = await this.deps.inbound.record({ ...sms, to });
    const citizen = sms.from.phone ? toE164(sms.from.phone, this.deps.defaultCountry) : null;
    // A STOP to an address too long for the list is to no number of ours (we send from E.164
    // numbers), so there is nothing to stop; the message itself is recorded all the same.
    if (!sms.keyword && citizen)
      for (const listener of this.messageListeners)
        await listener({
          phone: citizen,
          ourNumber: to,
          body: result.message.body ?? '',
          at: sms.receivedAt,
          inquiryId: result.inquiry.id,
          messageId: result.message.id,
          duplicate: result.duplicate,
        });
    if (!sms.keyword || !citizen || !fitsColumn(SmsStopEntryEntity, 'sender', to)) return result;
    // A provider retry is a duplicate; applying the keyword again is harmless and covers a crash between the two writes.
    if (sms.keyword === 'stop') {
      await this.deps.db.transaction((m) => this.deps.stopList.add(to, citizen, sms.receivedAt, result.message.id, m));
      for (const listener of this.stopListeners) await listener({ phone: citizen, ourNumber: to, at: sms.receivedAt });
    } else if (sms.keyword === 'start') {
      await this.deps.db.transaction((m) => this.deps.stopList.remove(to, citizen, m));
    } else if (!result.duplicate) {
      await this.deps.answerHelp(result.inquiry.id, citizen, to);
    }
    return result;
  }
}
