import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract';
import type { Database } from './db/database';

/*
 * Rate limits shared by every process: counters in Redis when REDIS_URL is set, in the database's
 * rate_limits table otherwise. A per-process count (the old in-memory limiter) lets N processes
 * allow N times the limit, and lets a burst of parallel requests slip past a check that is read
 * before and written after the work it guards; here each attempt is counted by one atomic
 * statement before the work, and the count it answers decides.
 */

/** `points` per window of `durationSec` seconds (0: a count that never expires on its own). */
export interface LimitRule {
  points: number;
  durationSec: number;
}

export type Verdict = { ok: true; consumed: number } | { ok: false; consumed: number; retryAfterSec: number };

export interface RateLimiter {
  /** Counts `points` for the key at once and tells whether it is still within the limit. */
  consume(key: string, points?: number, opts?: { durationSec?: number }): Promise<Verdict>;
  /** Gives points back, e.g. for an attempt that proved legitimate. */
  reward(key: string, points?: number): Promise<void>;
  /** What the key has consumed in its current window, without counting anything. */
  peek(key: string): Promise<{ consumed: number; msBeforeNext: number }>;
  reset(key: string): Promise<void>;
}

/** Named limiters on one store; features ask for theirs by name and rule. */
export interface RateLimits {
  readonly store: 'redis' | 'database';
  limiter(name: string, rule: LimitRule): RateLimiter;
  /** Deletes expired database counters (Redis expires its own). */
  prune(): Promise<number>;
  close(): Promise<void>;
}

/** Keys become part of a 191-character primary key; long ones (an e-mail address) are hashed. */
const storedKey = (key: string) => (key.length <= 120 ? key : createHash('sha256').update(key).digest('hex'));

/**
 * The client a limit applies to: an IPv4 address, or the /64 of an IPv6 one, since one subscriber
 * is usually given a whole /64 and could otherwise take a fresh address for every attempt.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.split('%')[0].toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:a.b.c.d handled above) sits in the last 32 bits, after the /64.
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

interface StoredRow {
  points: number;
  expire: number | null;
}

/**
 * rate-limiter-flexible's store contract on our own database handle, so the counters ride the same
 * writes as everything else (serialised on SQLite, retried on MariaDB deadlocks) instead of a second
 * connection. One upsert counts and one read answers, inside one transaction: the row lock the
 * upsert takes makes the answer this attempt's count.
 */
class DatabaseStore extends RateLimiterStoreAbstract {
  constructor(
    private readonly db: Database,
    opts: { keyPrefix: string; points: number; duration: number },
  ) {
    super({ ...opts, storeClient: db });
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, row: StoredRow): RateLimiterRes {
    const consumed = row.points;
    const msBeforeNext = row.expire === null ? -1 : Math.max(row.expire - Date.now(), 0);
    return new RateLimiterRes(Math.max(this.points - consumed, 0), msBeforeNext, consumed, changedPoints === consumed);
  }

  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<StoredRow> {
    const now = Date.now();
    const expire = msDuration > 0 ? now + msDuration : null;
    const mysql = this.db.dialect === 'mysql';
    const expired = 'expire IS NOT NULL AND expire <= ?';
    // Points first: MariaDB applies assignments left to right, so `expire` must still be the old one when points read it.
    const update = forceExpire
      ? { sql: 'points = ?, expire = ?', params: [points, expire] }
      : mysql
        ? { sql: `points = IF(${expired}, ?, points + ?), expire = IF(${expired}, ?, expire)`, params: [now, points, points, now, expire] }
        : {
            sql: `points = CASE WHEN ${expired} THEN ? ELSE points + ? END, expire = CASE WHEN ${expired} THEN ? ELSE expire END`,
            params: [now, points, points, now, expire],
          };
    const upsert = mysql ? 'ON DUPLICATE KEY UPDATE' : 'ON CONFLICT(rl_key) DO UPDATE SET';
    return this.db.transaction(async (m) => {
      await m.query(`INSERT INTO rate_limits (rl_key, points, expire) VALUES (?, ?, ?) ${upsert} ${update.sql}`, [rlKey, points, expire, ...update.params]);
      const [row] = (await m.query('SELECT points, expire FROM rate_limits WHERE rl_key = ?', [rlKey])) as { points: unknown; expire: unknown }[];
      return { points: Number(row.points), expire: row.expire === null ? null : Number(row.expire) };
    });
  }

  async _get(rlKey: string): Promise<StoredRow | null> {
    const rows = (await this.db.dataSource.query('SELECT points, expire FROM rate_limits WHERE rl_key = ? AND (expire IS NULL OR expire > ?)', [
      rlKey,
      Date.now(),
    ])) as { points: unknown; expire: unknown }[];
    return rows[0] ? { points: Number(rows[0].points), expire: rows[0].expire === null ? null : Number(rows[0].expire) } : null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    await this.db.statement((m) => m.query('DELETE FROM rate_limits WHERE rl_key = ?', [rlKey]));
    return true;
  }
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when the store fails. */
function wrap(rl: RateLimiterAbstract, rule: LimitRule): RateLimiter {
  return {
    async consume(key, points = 1, opts = {}) {
      try {
        const res = await rl.consume(storedKey(key), points, opts.durationSec !== undefined ? { customDuration: opts.durationSec } : {});
        return { ok: true, consumed: res.consumedPoints };
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        const ms = e.msBeforeNext > 0 ? e.msBeforeNext : rule.durationSec * 1000;
        return { ok: false, consumed: e.consumedPoints, retryAfterSec: Math.max(1, Math.ceil(ms / 1000)) };
      }
    },
    async reward(key, points = 1) {
      await rl.reward(storedKey(key), points);
    },
    async peek(key) {
      const res = await rl.get(storedKey(key));
      return { consumed: res?.consumedPoints ?? 0, msBeforeNext: res?.msBeforeNext ?? 0 };
    },
    async reset(key) {
      await rl.delete(storedKey(key));
    },
  };
}

/** How often expired counters are deleted: the rate-limit store's, and any feature's own counters on the same schedule. */
export const RATE_LIMIT_PRUNE_EVERY_MS = 3_600_000;

/**
 * Built once by the kernel. `prefix` keeps one deployment's (or test suite's) Redis keys apart;
 * with Redis the database store insures it, so an outage of Redis does not switch limits off.
 */
export function createRateLimits(deps: { db: Database; redisUrl?: string; prefix?: string }): RateLimits {
  const prefix = deps.prefix ?? 'st';
  const redis = deps.redisUrl ? new Redis(deps.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true }) : null;
  return {
    store: redis ? 'redis' : 'database',
    limiter(name, rule) {
      const opts = { keyPrefix: `${prefix}:rl:${name}`, points: rule.points, duration: rule.durationSec };
      const db = new DatabaseStore(deps.db, opts);
      return wrap(redis ? new RateLimiterRedis({ ...opts, storeClient: redis, useRedisPackage: false, insuranceLimiter: db }) : db, rule);
    },
    async prune() {
      // The query builder, not a raw DELETE: only its result says how many rows went on both engines.
      const result = await deps.db.statement((m) =>
        m.createQueryBuilder().delete().from('rate_limits').where('expire IS NOT NULL AND expire <= :now', { now: Date.now() }).execute(),
      );
      return result.affected ?? 0;
    },
    async close() {
      await redis?.quit().catch(() => undefined);
    },
  };
}
