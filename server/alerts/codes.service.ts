import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { RateLimiter, RateLimits } from '../core/rate-limits';
import type { AlertCode } from './codes.entities';
import type { AlertCodeRepository } from './codes.repository';
import type { AlertLang } from './subscriptions.schemas';

export interface CodeRules {
  ttlMs: number;
  /** Tries at one code; the next is refused even with the right code. */
  maxTries: number;
  perNumberPerHour: number;
  /** Per client (an IPv4 address or an IPv6 /64). */
  perClientPerHour: number;
}
export const DEFAULT_CODE_RULES: CodeRules = { ttlMs: 10 * 60_000, maxTries: 5, perNumberPerHour: 5, perClientPerHour: 20 };

/**
 * The SMS: the code is its only number (durations are words), so a phone offers to fill it in and
 * nothing else in the text looks like one.
 */
export const CODE_SMS: Record<AlertLang, (code: string) => string> = {
  pl: (c) => `Kod do powiadomień SMS gminy: ${c}. Ważny przez dziesięć minut. Nie podawaj go nikomu.`,
  nb: (c) => `Koden din for SMS-varsler fra kommunen er ${c}. Den gjelder i ti minutter. Ikke del den med noen.`,
  en: (c) => `Your code for the municipality's SMS alerts is ${c}. It is valid for ten minutes. Do not share it.`,
};

const hash = (salt: string, code: string) => createHash('sha256').update(`${salt}:${code}`).digest('hex');

export interface AlertCodesDeps {
  codes: AlertCodeRepository;
  rateLimits: RateLimits;
  /** Hands the SMS to the SMS feature's sender; null when the server runs no SMS channel. */
  send: ((to: string, body: string) => Promise<void>) | null;
  clock: () => Date;
  logger: Logger;
  rules?: Partial<CodeRules>;
}

export type CodeRequestVerdict = { ok: true } | { ok: false; retryAfterSec: number };

/**
 * One-time codes that prove a resident holds a number. Asking for one never looks at whether the
 * number is subscribed: every number takes the same path (limits, a new code, the SMS), so the
 * answer, its body and its timing say nothing about who is subscribed.
 */
export class AlertCodes {
  readonly rules: CodeRules;
  private readonly perNumber: RateLimiter;
  private readonly perClient: RateLimiter;
  private readonly tries: RateLimiter;

  constructor(private readonly deps: AlertCodesDeps) {
    this.rules = { ...DEFAULT_CODE_RULES, ...deps.rules };
    this.perNumber = deps.rateLimits.limiter('alert-code-number', { points: this.rules.perNumberPerHour, durationSec: 3600 });
    this.perClient = deps.rateLimits.limiter('alert-code-client', { points: this.rules.perClientPerHour, durationSec: 3600 });
    // On the shared store, not a column: a refused guess must change no table, and every process counts together.
    this.tries = deps.rateLimits.limiter('alert-code-tries', { points: this.rules.maxTries, durationSec: Math.ceil(this.rules.ttlMs / 1000) });
  }

  /**
   * Counts the request per client, then per number (each by one atomic step before any work; a
   * number refused gives the client its point back), stores the code's hash and sends the SMS.
   * The send is awaited, so nothing of this request is written after its answer.
   */
  async request(phone: string, client: string, lang: AlertLang): Promise<CodeRequestVerdict> {
    const byClient = await this.perClient.consume(client);
    if (!byClient.ok) return { ok: false, retryAfterSec: byClient.retryAfterSec };
    const byNumber = await this.perNumber.consume(phone);
    if (!byNumber.ok) {
      await this.perClient.reward(client);
      return { ok: false, retryAfterSec: byNumber.retryAfterSec };
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomBytes(16).toString('hex');
    const now = this.deps.clock();
    await this.deps.codes.issue({
      phone,
      codeHash: hash(salt, code),
      salt,
      client: client.slice(0, 64),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.rules.ttlMs),
    });
    if (!this.deps.send) {
      this.deps.logger.warn('alerts: no SMS channel runs, so the one-time code was not sent');
      return { ok: true };
    }
    try {
      await this.deps.send(phone, CODE_SMS[lang](code));
    } catch (err) {
      // The resident sees the same answer; a lost SMS costs them one more request. The failure is for the operators.
      this.deps.logger.error({ err }, 'alerts: sending the one-time code failed');
    }
    return { ok: true };
  }

  /**
   * The number's current code if `code` matches it: counts one try first (after `maxTries` tries
   * the code is dead, right or wrong), then compares in constant time. Expired, used, replaced,
   * absent and wrong codes all answer null. Spend the code with the repository's `use` in the
   * transaction that acts on it.
   */
  async check(phone: string, code: string): Promise<AlertCode | null> {
    const row = await this.deps.codes.latestPending(phone);
    if (!row || row.expiresAt.getTime() <= this.deps.clock().getTime()) return null;
    const tried = await this.tries.consume(`code:${row.id}`);
    if (!tried.ok) return null;
    const digits = code.trim();
    if (!/^\d{6}$/.test(digits)) return null;
    const a = Buffer.from(hash(row.salt, digits), 'hex');
    const b = Buffer.from(row.codeHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? row : null;
  }
}
