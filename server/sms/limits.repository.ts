import type { EntityManager } from 'typeorm';
import { type Database, isUniqueViolation } from '../core/db/database';
import { SmsCountryAllowEntity, SmsDailyCountEntity } from './limits.entities';

/**
 * The SMS country allow-list and the daily caps' counters. The counters stay here rather than in
 * the shared rate-limit store: they count per calendar day in Oslo, a batch takes all its units or
 * none, and a day's use is a record one can read. One row per day and bucket, so old days can
 * simply be deleted.
 */
export class SmsLimitRepository {
  constructor(private readonly deps: { db: Database }) {}

  async countries(): Promise<string[]> {
    const rows = await this.deps.db.dataSource.manager.getRepository(SmsCountryAllowEntity).find({ order: { country: 'ASC' } });
    return rows.map((r) => r.country);
  }

  /** Replaces the whole list: the admin edits it as one list. */
  async replaceCountries(countries: string[], createdBy: number, at: Date, m: EntityManager): Promise<void> {
    // Not clear(): on MariaDB that is TRUNCATE, which commits the transaction it runs in.
    await m.createQueryBuilder().delete().from(SmsCountryAllowEntity).execute();
    if (countries.length) await m.getRepository(SmsCountryAllowEntity).insert(countries.map((country) => ({ country, createdBy, createdAt: at })));
  }

  /**
   * Takes `n` units of a daily cap if that keeps it at or below `cap`; false, and nothing taken,
   * otherwise. One conditional UPDATE (or the first INSERT of the day), so racing sends cannot both
   * take the last units. Each a statement of its own through the database's write path: on SQLite
   * a write beside it would run inside whatever transaction is open on the one connection, and be
   * undone with it.
   */
  async take(day: string, bucket: string, n: number, cap: number): Promise<boolean> {
    if (n > cap) return false;
    const { db } = this.deps;
    const raise = async () =>
      ((
        await db.statement((m) =>
          m
            .createQueryBuilder()
            .update(SmsDailyCountEntity)
            .set({ used: () => 'used + :n' })
            .where('day = :day AND bucket = :bucket AND used + :n <= :cap', { day, bucket, n, cap })
            .execute(),
        )
      ).affected ?? 0) > 0;
    if (await raise()) return true;
    try {
      await db.statement((m) => m.getRepository(SmsDailyCountEntity).insert({ day, bucket, used: n }));
      return true;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // The row exists: the cap was reached, or another send made the row just now; one more try tells which.
      return raise();
    }
  }

  /** Deletes the counters of days before `day` (ISO dates sort as text); answers how many went. */
  async pruneBefore(day: string): Promise<number> {
    const r = await this.deps.db.statement((m) => m.createQueryBuilder().delete().from(SmsDailyCountEntity).where('day < :day', { day }).execute());
    return r.affected ?? 0;
  }

  async used(day: string, bucket: string): Promise<number> {
    return (await this.deps.db.dataSource.manager.getRepository(SmsDailyCountEntity).findOne({ where: { day, bucket } }))?.used ?? 0;
  }
}
