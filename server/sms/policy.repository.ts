import type { EntityManager } from 'typeorm';
import { type Database, isUniqueViolation } from '../core/db/database';
import {
  SmsOperatorPrefixEntity,
  SmsSenderHoldEntity,
  SmsUrlAllowEntity,
  type SmsOperatorPrefix,
  type SmsSenderHold,
  type SmsUrlAllow,
} from './policy.entities';

/** Admins' SMS rules: the link allow-list, paused senders and the operator prefix table. */
export class SmsPolicyRepository {
  constructor(private readonly deps: { db: Database }) {}

  private m(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  allowList(): Promise<SmsUrlAllow[]> {
    return this.m()
      .getRepository(SmsUrlAllowEntity)
      .find({ order: { host: 'ASC' } });
  }

  /** False when the host was already there. */
  async allow(host: string, createdBy: number, at: Date, m: EntityManager): Promise<boolean> {
    try {
      await m.getRepository(SmsUrlAllowEntity).insert({ host, createdBy, createdAt: at });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async disallow(host: string, m: EntityManager): Promise<boolean> {
    return ((await m.getRepository(SmsUrlAllowEntity).delete({ host })).affected ?? 0) > 0;
  }

  holdOf(sender: string, m?: EntityManager): Promise<SmsSenderHold | null> {
    return this.m(m).getRepository(SmsSenderHoldEntity).findOne({ where: { sender } });
  }

  holds(): Promise<SmsSenderHold[]> {
    return this.m()
      .getRepository(SmsSenderHoldEntity)
      .find({ order: { id: 'ASC' } });
  }

  async hold(sender: string, reason: string | null, createdBy: number, at: Date, m: EntityManager): Promise<boolean> {
    try {
      await m.getRepository(SmsSenderHoldEntity).insert({ sender, reason, createdBy, createdAt: at });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async release(sender: string, m: EntityManager): Promise<boolean> {
    return ((await m.getRepository(SmsSenderHoldEntity).delete({ sender })).affected ?? 0) > 0;
  }

  operatorPrefixes(): Promise<SmsOperatorPrefix[]> {
    return this.m()
      .getRepository(SmsOperatorPrefixEntity)
      .find({ order: { prefix: 'ASC' } });
  }

  /** Replaces the whole table: the admin edits it as one list. */
  async replaceOperatorPrefixes(rows: { prefix: string; operator: string }[], m: EntityManager): Promise<void> {
    // Not clear(): on MariaDB that is TRUNCATE, which commits the transaction it runs in.
    await m.createQueryBuilder().delete().from(SmsOperatorPrefixEntity).execute();
    if (rows.length) await m.getRepository(SmsOperatorPrefixEntity).insert(rows);
  }
}
