import { type EntityManager, In } from 'typeorm';
import { type Database, isUniqueViolation } from '../core/db/database';
import { SmsStopEntryEntity } from './entities';

/** Per sender number, the citizens' numbers that asked us to stop. */
export class StopListRepository {
  constructor(private readonly deps: { db: Database }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(SmsStopEntryEntity);
  }

  /** Adds the number; a repeated or concurrent STOP leaves the one row there is. */
  async add(sender: string, phone: string, at: Date, messageId: number | null, m: EntityManager): Promise<boolean> {
    if (await this.repo(m).findOne({ where: { sender, phone } })) return false;
    try {
      await this.repo(m).insert({ sender, phone, createdAt: at, messageId });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async remove(sender: string, phone: string, m: EntityManager): Promise<boolean> {
    const r = await this.repo(m).delete({ sender, phone });
    return (r.affected ?? 0) > 0;
  }

  async has(sender: string, phone: string): Promise<boolean> {
    return (await this.repo().count({ where: { sender, phone } })) > 0;
  }

  /** Of these numbers, those on the sender's list: one query for a whole mass send. */
  async stoppedAmong(sender: string, phones: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < phones.length; i += 500) {
      const rows = await this.repo().find({ select: { phone: true }, where: { sender, phone: In(phones.slice(i, i + 500)) } });
      for (const r of rows) out.add(r.phone);
    }
    return out;
  }
}
