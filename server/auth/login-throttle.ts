import { clientKey, type RateLimiter, type RateLimits } from '../core/rate-limits';
import { AppError } from '../core/errors';

/** How one kind of key slows guessing: `free` attempts a day, then one per wait, doubling from `firstDelaySec` up to `maxDelaySec`. */
export interface ThrottleRule {
  free: number;
  firstDelaySec: number;
  maxDelaySec: number;
}

/*
 * A client (an IPv4 address or an IPv6 /64) gets few free attempts and waits that grow to 15
 * minutes (30 s, 1, 2, 4 ... minutes): it is the attacker's own budget. An account gets more and waits of at most a minute,
 * since staff addresses are guessable and a hard lock on the account would let anyone lock out
 * its owner; its owner, on another client, is not slowed by the attacker's client at all.
 */
export const DEFAULT_THROTTLE: { client: ThrottleRule; account: ThrottleRule } = {
  client: { free: 10, firstDelaySec: 30, maxDelaySec: 15 * 60 },
  account: { free: 30, firstDelaySec: 5, maxDelaySec: 60 },
};

const DAY_SEC = 24 * 60 * 60;

interface Kind {
  rule: ThrottleRule;
  /** Attempts so far today; each is counted before the password is checked. */
  attempts: RateLimiter;
  /** One attempt per delay once the free ones are spent. */
  gate: RateLimiter;
}

/** The keys one attempt was counted under, to give back when it proves legitimate. */
export interface Admission {
  client: string;
  account: string;
}

/**
 * Progressive delays on log-in and TOTP codes. Every attempt is counted by one atomic statement
 * before any password hash is computed, and the count it gets decides: fifty parallel guesses get
 * fifty different counts, so only the free ones and one per delay are verified.
 */
export class LoginThrottle {
  private readonly client: Kind;
  private readonly account: Kind;

  constructor(limits: RateLimits, rules = DEFAULT_THROTTLE) {
    const kind = (name: string, rule: ThrottleRule): Kind => ({
      rule,
      attempts: limits.limiter(`login-${name}`, { points: Number.MAX_SAFE_INTEGER, durationSec: DAY_SEC }),
      gate: limits.limiter(`login-${name}-gate`, { points: 1, durationSec: 1 }),
    });
    this.client = kind('client', rules.client);
    this.account = kind('account', rules.account);
  }

  /** Counts an attempt for the client and the account, or answers 429 with Retry-After. */
  async admit(email: string, ip: string): Promise<Admission> {
    const admission = { client: clientKey(ip), account: email.toLowerCase() };
    // The client first: an attempt its own client refuses does not count against the account.
    await this.pass(this.client, admission.client);
    await this.pass(this.account, admission.account);
    return admission;
  }

  private async pass(kind: Kind, key: string): Promise<void> {
    const { consumed } = await kind.attempts.consume(key);
    const over = consumed - kind.rule.free;
    if (over <= 0) return;
    const delaySec = Math.min(kind.rule.firstDelaySec * 2 ** Math.min(over - 1, 20), kind.rule.maxDelaySec);
    const gate = await kind.gate.consume(key, 1, { durationSec: delaySec });
    if (gate.ok) return;
    throw new AppError(
      429,
      'too_many_attempts',
      'Too many attempts; try again later',
      { retryAfterSeconds: gate.retryAfterSec },
      { 'Retry-After': String(gate.retryAfterSec) },
    );
  }

  /**
   * The password was right: the attempt is given back. A full log-in also clears the account's
   * count, but never the client's, lest an attacker clear theirs by logging in to their own account.
   */
  async succeeded(a: Admission, opts: { complete: boolean }): Promise<void> {
    await this.client.attempts.reward(a.client);
    if (!opts.complete) return this.account.attempts.reward(a.account);
    await this.account.attempts.reset(a.account);
    await this.account.gate.reset(a.account);
  }
}
