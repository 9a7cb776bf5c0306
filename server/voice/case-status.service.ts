import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { Logger } from 'pino';
import type { ChannelSender } from '../inbound/contract';
import { toE164 } from '../core/phone';
import type { AuditRepository } from '../core/audit.repository';
import type { CaseRepository, ContactRepository } from '../register/module';
import type { VerificationRepository } from './verifications.repository';
import { caseNumbersFromKeys, type CaseEntered, type CodeEntered } from '../../ivr/status';
import type { Lang } from '../../ivr/languages';
import type { VoiceProvider } from '../../channels/twilio-voice/adapter';

export interface CaseStatusLimits {
  codeTtlMs: number;
  maxTries: number;
  perNumberPerHour: number;
  perCasePerHour: number;
}
export const DEFAULT_LIMITS: CaseStatusLimits = { codeTtlMs: 5 * 60_000, maxTries: 3, perNumberPerHour: 3, perCasePerHour: 5 };

export interface CaseStatusDeps {
  verifications: VerificationRepository;
  cases: CaseRepository;
  contacts: ContactRepository;
  audit: AuditRepository;
  provider: VoiceProvider;
  /** The SMS channel's sender, when the server has one; otherwise the code goes through the voice provider. */
  sms?: ChannelSender;
  clock: () => Date;
  logger: Logger;
  defaultCountry: CountryCode;
  limits?: Partial<CaseStatusLimits>;
}

/** The SMS text: the code is its only number, so phones offer to fill it in and nothing else looks like one. */
const CODE_TEXT: Record<Lang, (code: string) => string> = {
  'nb-NO': (c) => `Engangskoden din for saksstatus på telefon er ${c}. Den gjelder i fem minutter.`,
  'en-GB': (c) => `Your one-time code for case status by phone is ${c}. It is valid for five minutes.`,
  'pl-PL': (c) => `Twój jednorazowy kod do statusu sprawy przez telefon to ${c}. Jest ważny przez pięć minut.`,
  'da-DK': (c) => `Din engangskode til sagsstatus på telefon er ${c}. Den gælder i fem minutter.`,
};

const hash = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex');

/**
 * Case status by phone. Nothing about a case is read until the caller proved, with a one-time
 * code sent by SMS to a number on file for that case, that they may hear it. An unknown case, a
 * case without a number, or a caller-ID-only case called from another number all get the same
 * answer as a real one (a code that can never match), so the line reveals nothing.
 */
export class CaseStatusService {
  private readonly limits: CaseStatusLimits;

  constructor(private readonly deps: CaseStatusDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
  }

  async caseEntered(v: { callSid: string; from?: string; to?: string; keys: string | undefined; lang: Lang }): Promise<CaseEntered> {
    const candidates = caseNumbersFromKeys(v.keys ?? '');
    if (!candidates.length) return 'none';
    const now = this.deps.clock();
    const hourAgo = new Date(now.getTime() - 3600_000);
    const from = v.from ? toE164(v.from, this.deps.defaultCountry) : null;
    if (from && (await this.deps.verifications.countSince({ fromE164: from }, hourAgo)) >= this.limits.perNumberPerHour) return 'limited';
    const kase = (await this.deps.cases.byNumbers(candidates))[0] ?? null;
    if (kase && (await this.deps.verifications.countSince({ caseId: kase.id }, hourAgo)) >= this.limits.perCasePerHour) return 'limited';

    let target: string | null = null;
    if (kase) {
      const links = await this.deps.cases.contactsOf(kase.id);
      const contacts = await this.deps.contacts.withAddresses(await this.deps.contacts.byIds(links.map((l) => l.contactId)));
      const phones = contacts.flatMap((c) => c.phones);
      const callerIdOnly = await this.deps.verifications.callerIdOnly(kase.category);
      target = from && phones.includes(from) ? from : callerIdOnly ? null : (phones.find(isMobileLike) ?? null);
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomBytes(16).toString('hex');
    await this.deps.verifications.insert({
      callSid: v.callSid,
      caseId: kase?.id ?? null,
      fromE164: from,
      sentTo: target,
      codeHash: target ? hash(salt, code) : null,
      salt,
      attempts: 0,
      state: 'pending',
      expiresAt: new Date(now.getTime() + this.limits.codeTtlMs),
      createdAt: now,
    });
    if (target) await this.send(target, v.to ?? null, CODE_TEXT[v.lang](code));
    return 'sent';
  }

  private async send(to: string, calledNumber: string | null, body: string) {
    const sms = this.deps.sms;
    try {
      if (sms) {
        // Not journaled: a one-time code is no document of the case, and must not sit in the register.
        await sms.send({ messageId: 0, inquiryId: null, to, from: calledNumber, body, meta: { purpose: 'one-time-code' } });
      } else {
        if (!calledNumber) throw new Error('no number to send the code from');
        await this.deps.provider.sendSms({ from: calledNumber, to, body });
      }
    } catch (err) {
      // The caller hears the same prompt either way; the failure is for the operators.
      this.deps.logger.error({ err }, 'sending the case-status code failed');
    }
  }

  /** Admin: whether a case category's status may be heard only from a number on file for the case. */
  setCategory(category: string, callerIdOnly: boolean): Promise<void> {
    return this.deps.verifications.setCategory(category, callerIdOnly);
  }

  async codeEntered(v: { callSid: string; keys: string | undefined }): Promise<CodeEntered> {
    const ver = await this.deps.verifications.latestForCall(v.callSid);
    if (!ver || ver.state === 'locked' || ver.state === 'refused') return { kind: 'locked' };
    if (ver.state === 'verified') return { kind: 'none' };
    const digits = (v.keys ?? '').replace(/#/g, '');
    if (!digits) return { kind: 'none' };
    if (this.deps.clock() > ver.expiresAt) {
      await this.deps.verifications.setState(ver.id, 'locked');
      return { kind: 'locked' };
    }
    if (!(await this.deps.verifications.countAttempt(ver.id, ver.attempts))) return { kind: 'wrong' };
    const ok = ver.codeHash !== null && /^\d{4,8}$/.test(digits) && timingSafeEqual(Buffer.from(hash(ver.salt, digits)), Buffer.from(ver.codeHash));
    if (!ok) {
      if (ver.attempts + 1 >= this.limits.maxTries) {
        await this.deps.verifications.setState(ver.id, 'locked');
        return { kind: 'locked' };
      }
      return { kind: 'wrong' };
    }
    await this.deps.verifications.setState(ver.id, 'verified');
    const kase = ver.caseId ? await this.deps.cases.byId(ver.caseId) : null;
    if (!kase) return { kind: 'verified', cases: [] };
    await this.deps.audit.record([{ userId: null, action: 'speak', entityType: 'case', entityId: kase.caseNumber, route: `voice:case-status ${v.callSid}` }]);
    return { kind: 'verified', cases: [{ caseNumber: kase.caseNumber, title: kase.title, status: kase.statusSpoken ?? kase.status }] };
  }
}

/** Landlines cannot take an SMS; Norwegian mobiles start with 4 or 9. Other countries: any number. */
function isMobileLike(e164: string): boolean {
  return !e164.startsWith('+47') || /^\+47[49]/.test(e164);
}
