import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { Logger } from 'pino';
import type { ChannelSender } from '../inbound/contract';
import { toE164 } from '../core/phone';
import type { AuditRepository } from '../core/audit.repository';
import type { RateLimiter, RateLimits } from '../core/rate-limits';
import type { CaseRepository, ContactRepository } from '../register/module';
import type { VerificationRepository } from './verifications.repository';
import { caseNumbersFromKeys, type CaseEntered, type CodeEntered } from '../../ivr/status';
import type { Lang } from '../../ivr/languages';
import type { VoiceProvider } from '../../channels/twilio-voice/adapter';

export interface CaseStatusLimits {
  codeTtlMs: number;
  maxTries: number;
  perNumberPerHour: number;
  /** Per keyed case number, whether or not such a case exists. */
  perCasePerHour: number;
  /** All callers without a usable caller ID together: withheld numbers must not escape the per-number limit. */
  anonymousPerHour: number;
  /** The whole line: a ceiling on the SMS anyone can make it send, however many numbers they call from. */
  globalPerHour: number;
}
export const DEFAULT_LIMITS: CaseStatusLimits = {
  codeTtlMs: 5 * 60_000,
  maxTries: 3,
  perNumberPerHour: 3,
  perCasePerHour: 5,
  anonymousPerHour: 10,
  globalPerHour: 200,
};

/**
 * What Twilio puts in From when the caller withheld or has no number (anonymous, restricted,
 * unavailable, blocked); some parse as real numbers, so they are listed rather than guessed.
 */
const WITHHELD = new Set(['anonymous', 'restricted', 'unknown', 'unavailable', 'private', '+266696687', '+86282452253', '+8656696', '+2562533', '+7378742833']);

export interface CaseStatusDeps {
  verifications: VerificationRepository;
  /** The store every process shares, so the hourly limits hold however many processes answer calls. */
  rateLimits: RateLimits;
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

/** The hourly limits: the whole line, one calling number, all withheld numbers together, one keyed case number. */
type Limit = 'line' | 'number' | 'anonymous' | 'case';

const hash = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex');

/**
 * Case status by phone. Nothing about a case is read until the caller proved, with a one-time
 * code sent by SMS to a number on file for that case, that they may hear it. An unknown case, a
 * case without a number, or a caller-ID-only case called from another number all get the same
 * answer as a real one (a code that can never match), so the line reveals nothing.
 */
export class CaseStatusService {
  private readonly limits: CaseStatusLimits;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly hourly: Record<Limit, RateLimiter>;

  constructor(private readonly deps: CaseStatusDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    const perHour = (name: Limit, points: number) => deps.rateLimits.limiter(`case-status-${name}`, { points, durationSec: 3600 });
    this.hourly = {
      line: perHour('line', this.limits.globalPerHour),
      number: perHour('number', this.limits.perNumberPerHour),
      anonymous: perHour('anonymous', this.limits.anonymousPerHour),
      case: perHour('case', this.limits.perCasePerHour),
    };
  }

  /**
   * Counts the request against the limits and answers at once. Every limit is counted before any
   * case is looked up and the same way for a number that is no case, so `limited` reveals nothing;
   * the case lookup and the SMS happen after the answer, so a real case does not answer slower.
   */
  async caseEntered(v: { callSid: string; from?: string; to?: string; keys: string | undefined; lang: Lang }): Promise<CaseEntered> {
    const candidates = caseNumbersFromKeys(v.keys ?? '');
    if (!candidates.length) return 'none';
    // Every way of keying one case number has the same digits, so the limit cannot be dodged by keying it another way.
    const caseKey = (v.keys ?? '').replace(/\D/g, '');
    const from = v.from && !WITHHELD.has(v.from.trim().toLowerCase()) ? toE164(v.from, this.deps.defaultCountry) : null;
    const refused = await this.admit([['line', 'all'], from ? ['number', from] : ['anonymous', 'anonymous'], ['case', caseKey]]);
    if (refused) return this.limited(refused, v.callSid);

    const now = this.deps.clock();
    const salt = randomBytes(16).toString('hex');
    const row = await this.deps.verifications.insert({
      callSid: v.callSid,
      caseId: null,
      caseKey,
      fromE164: from,
      sentTo: null,
      codeHash: null,
      salt,
      attempts: 0,
      state: 'pending',
      expiresAt: new Date(now.getTime() + this.limits.codeTtlMs),
      createdAt: now,
    });
    // Detached, not a job: a code lost to a restart costs the caller one more try, and a queued job
    // would outlive the five minutes the code is good for.
    const work = this.deliver(row.id, salt, candidates, from, v.to ?? null, v.lang)
      .catch((err: unknown) => this.deps.logger.error({ err, callSid: v.callSid }, 'case-status code: finding the case or sending failed'))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
    return 'sent';
  }

  /** Resolves when every code asked for so far has been sent or given up (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /**
   * Counts the request under each limit in turn, each by one atomic step before any work, so
   * parallel requests (in any process) get different counts and only the allowed number pass.
   * A refused request gives back what it took from the limits it had passed: as before, only codes
   * asked for count, so callers held back by their own number do not use up the whole line's.
   */
  private async admit(keys: [Limit, string][]): Promise<Limit | null> {
    const passed: [Limit, string][] = [];
    for (const [limit, key] of keys) {
      if ((await this.hourly[limit].consume(key)).ok) {
        passed.push([limit, key]);
        continue;
      }
      await Promise.all(passed.map(([l, k]) => this.hourly[l].reward(k)));
      return limit;
    }
    return null;
  }

  private limited(which: Limit, callSid: string): CaseEntered {
    this.deps.logger.warn({ limit: which, callSid }, 'case-status line: code limit reached');
    return 'limited';
  }

  /** After the answer: the case, the number on file to send to, and the code, when there is one. */
  private async deliver(verificationId: number, salt: string, candidates: string[], from: string | null, calledNumber: string | null, lang: Lang) {
    const kase = (await this.deps.cases.byNumbers(candidates))[0] ?? null;
    if (!kase) return;
    const links = await this.deps.cases.contactsOf(kase.id);
    const contacts = await this.deps.contacts.withAddresses(await this.deps.contacts.byIds(links.map((l) => l.contactId)));
    const phones = contacts.flatMap((c) => c.phones);
    const callerIdOnly = await this.deps.verifications.callerIdOnly(kase.category);
    const target = from && phones.includes(from) ? from : callerIdOnly ? null : (phones.find(isMobileLike) ?? null);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.deps.verifications.arm(verificationId, { caseId: kase.id, sentTo: target, codeHash: target ? hash(salt, code) : null });
    if (target) await this.send(target, calledNumber, CODE_TEXT[lang](code));
  }

  private async send(to: string, calledNumber: string | null, body: string) {
    const sms = this.deps.sms;
    try {
      if (sms) {
        // Not journaled: a one-time code is no document of the case, and must not sit in the register.
        const r = await sms.send({ messageId: 0, inquiryId: null, to, from: calledNumber, body, meta: { purpose: 'one-time-code' } });
        // The code is kept out of the register, so a refusal (country, daily cap) is recorded here.
        if (r.status === 'stopped' || r.status === 'failed') this.deps.logger.warn({ status: r.status, reason: r.detail?.reason }, 'case-status code not sent');
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
