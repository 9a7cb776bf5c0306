import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertAdmin, type Actor } from '../core/access';
import { badRequest } from '../core/errors';
import type { SmsLimitRepository } from './limits.repository';

/** Norway is always allowed: every municipality sends there, and an empty list must not stop all SMS. */
export const HOME_COUNTRY = 'NO';

/** Kinds of SMS nobody on the staff decides to send: a web form's receipt, a one-time code. */
export type AutomaticKind = 'receipt' | 'code';

export interface SmsLimitRules {
  /** Automatic SMS of each kind per day, over all recipients together. */
  dailyAutomatic: Record<AutomaticKind, number>;
  /** Recipients one staff user may send to per day before further sends wait for approval. */
  dailyPerUser: number;
  /** Larger sends by a user without TOTP wait for approval: a stolen password alone must not reach many numbers. */
  batchWithoutTotp: number;
}
export const DEFAULT_LIMIT_RULES: SmsLimitRules = { dailyAutomatic: { receipt: 500, code: 300 }, dailyPerUser: 2000, batchWithoutTotp: 50 };

/** Why an SMS was not handed over: kept in the message's status history. */
export interface Refusal {
  reason: 'country_not_allowed' | 'daily_limit';
  errorMessage: string;
  country?: string | null;
}

export interface SmsLimitDeps {
  db: Database;
  limits: SmsLimitRepository;
  audit: AuditRepository;
  clock: () => Date;
  rules?: Partial<SmsLimitRules>;
}

/** Days of cap counters kept before pruning. */
const KEEP_DAYS = 7;

/** The calendar day caps count in: Norway's, so a cap does not roll over at one or two in the night. */
const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * Against SMS pumping and toll fraud: which countries automatic and staff SMS may go to, and daily
 * caps on automatic SMS and on each staff user. Agents' replies to a citizen who wrote in are not
 * limited here: the citizen chose the number.
 */
export class SmsLimits {
  readonly rules: SmsLimitRules;

  constructor(private readonly deps: SmsLimitDeps) {
    this.rules = {
      ...DEFAULT_LIMIT_RULES,
      ...deps.rules,
      dailyAutomatic: { ...DEFAULT_LIMIT_RULES.dailyAutomatic, ...deps.rules?.dailyAutomatic },
    };
  }

  async countries(): Promise<string[]> {
    return [...new Set([HOME_COUNTRY, ...(await this.deps.limits.countries())])].sort();
  }

  /** Admin: the countries besides Norway; the whole list is replaced. */
  async setCountries(actor: Actor, countries: string[], route: string): Promise<string[]> {
    assertAdmin(actor);
    const list = [...new Set(countries.map((c) => c.trim().toUpperCase()))];
    const bad = list.map((c, i) => ({ c, i })).filter(({ c }) => !/^[A-Z]{2}$/.test(c) || !isSupportedCountry(c));
    if (bad.length)
      throw badRequest(
        'Some entries are not country codes (ISO 3166 alpha-2, such as SE)',
        bad.map(({ i }) => ({ path: ['countries', i], message: 'not a country code' })),
      );
    await this.deps.db.transaction(async (m) => {
      await this.deps.limits.replaceCountries(
        list.filter((c) => c !== HOME_COUNTRY),
        actor.id,
        this.deps.clock(),
        m,
      );
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_policy', entityId: 'country-allowlist', route }], m);
    });
    return this.countries();
  }

  /** The numbers (E.164) whose country is not on the list, each with its country (null: none known). */
  async outsideCountries(phones: string[]): Promise<{ phone: string; country: string | null }[]> {
    const allowed = new Set(await this.countries());
    return phones.map((phone) => ({ phone, country: countryOf(phone) })).filter((x) => !x.country || !allowed.has(x.country));
  }

  /** Null when an automatic SMS of this kind may go to `to` now (and it is counted); else why not. */
  async refuseAutomatic(kind: AutomaticKind, to: string): Promise<Refusal | null> {
    const [outside] = await this.outsideCountries([to]);
    if (outside)
      return {
        reason: 'country_not_allowed',
        country: outside.country,
        errorMessage: `SMS to ${outside.country ?? 'this number'} are not on the country allow-list`,
      };
    const cap = this.rules.dailyAutomatic[kind];
    if (!(await this.deps.limits.take(this.day(), `auto:${kind}`, 1, cap)))
      return { reason: 'daily_limit', errorMessage: `The daily limit of ${cap} automatic SMS (${kind}) is reached` };
    return null;
  }

  /** Takes `recipients` from the user's daily cap; false, and nothing taken, when that would exceed it. */
  takeForUser(userId: number, recipients: number): Promise<boolean> {
    return this.deps.limits.take(this.day(), `user:${userId}`, recipients, this.rules.dailyPerUser);
  }

  /**
   * Forgets the counters of days no cap counts any more. A week is kept, so a question about
   * yesterday's or last week's use can still be answered from the table.
   */
  prune(): Promise<number> {
    return this.deps.limits.pruneBefore(DAY.format(new Date(this.deps.clock().getTime() - KEEP_DAYS * 86_400_000)));
  }

  private day(): string {
    return DAY.format(this.deps.clock());
  }
}

const countryOf = (e164: string): string | null => parsePhoneNumberFromString(e164)?.country ?? null;
