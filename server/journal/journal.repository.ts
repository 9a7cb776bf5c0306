import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type Database, isUniqueViolation } from '../core/db/database';
import { MessageEntity, type Message } from '../register/module';
import {
  JournalCounterEntity,
  JournalEntryEntity,
  JournalRuleEntity,
  JournalSettingEntity,
  type DeliveryState,
  type JournalEntry,
  type JournalRule,
} from './entities';

/** The journal's tables. Entries are written once and never edited, except for their delivery state. */
export class JournalRepository {
  constructor(private readonly deps: { db: Database }) {}

  private m(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  rules(): Promise<JournalRule[]> {
    return this.m()
      .getRepository(JournalRuleEntity)
      .find({ order: { id: 'ASC' } });
  }

  async replaceRules(rows: Omit<JournalRule, 'id'>[], m: EntityManager): Promise<void> {
    await m.createQueryBuilder().delete().from(JournalRuleEntity).execute();
    if (rows.length) await m.getRepository(JournalRuleEntity).insert(rows);
  }

  async setting(key: string): Promise<string | null> {
    return (await this.m().getRepository(JournalSettingEntity).findOne({ where: { key } }))?.value ?? null;
  }

  async setSetting(key: string, value: string | null, m: EntityManager): Promise<void> {
    await m.getRepository(JournalSettingEntity).delete({ key });
    if (value !== null) await m.getRepository(JournalSettingEntity).insert({ key, value });
  }

  /**
   * The next number of a series. The UPDATE locks the row until commit, so concurrent posts get
   * consecutive numbers and a rolled-back post gives its number back.
   */
  async nextNumber(key: string, m: EntityManager): Promise<number> {
    const repo = m.getRepository(JournalCounterEntity);
    for (;;) {
      const r = await repo
        .createQueryBuilder()
        .update()
        .set({ last: () => 'last_value + 1' })
        .where('counter_key = :key', { key })
        .execute();
      if ((r.affected ?? 0) > 0) return (await repo.findOneOrFail({ where: { key } })).last;
      try {
        await repo.insert({ key, last: 1 });
        return 1;
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
    }
  }

  entryByMessage(messageId: number, m?: EntityManager): Promise<JournalEntry | null> {
    return this.m(m).getRepository(JournalEntryEntity).findOne({ where: { messageId } });
  }

  byId(id: number): Promise<JournalEntry | null> {
    return this.m().getRepository(JournalEntryEntity).findOne({ where: { id } });
  }

  async insert(row: Omit<JournalEntry, 'id'>, m: EntityManager): Promise<JournalEntry> {
    return (await m.getRepository(JournalEntryEntity).save({ ...row } as JournalEntry)) as JournalEntry;
  }

  /** Moves the delivery state only from one of `from`; false when another run got there first. */
  async setDelivery(
    id: number,
    to: DeliveryState,
    from: DeliveryState[],
    patch: Partial<Pick<JournalEntry, 'lastError' | 'deliveredAt'>> = {},
  ): Promise<boolean> {
    const r = await this.deps.db.transaction((m) =>
      m
        .getRepository(JournalEntryEntity)
        .createQueryBuilder()
        .update()
        .set({ deliveryState: to, ...patch } as QueryDeepPartialEntity<JournalEntry>)
        .where('id = :id', { id })
        .andWhere('delivery_state IN (:...from)', { from })
        .execute(),
    );
    return (r.affected ?? 0) > 0;
  }

  async failedAttempt(id: number, error: string): Promise<void> {
    await this.deps.db.transaction((m) =>
      m
        .getRepository(JournalEntryEntity)
        .createQueryBuilder()
        .update()
        .set({ attempts: () => 'attempts + 1', lastError: error.slice(0, 2000) })
        .where('id = :id', { id })
        .execute(),
    );
  }

  list(q: {
    states?: DeliveryState[];
    from?: Date;
    to?: Date;
    beforeId?: number;
    afterId?: number;
    limit: number;
    order?: 'ASC' | 'DESC';
  }): Promise<JournalEntry[]> {
    const qb = this.m().getRepository(JournalEntryEntity).createQueryBuilder('j');
    if (q.states?.length) qb.andWhere('j.delivery_state IN (:...states)', { states: q.states });
    if (q.from) qb.andWhere('j.journal_date >= :from', { from: this.deps.db.param(q.from) });
    if (q.to) qb.andWhere('j.journal_date < :to', { to: this.deps.db.param(q.to) });
    if (q.beforeId) qb.andWhere('j.id < :before', { before: q.beforeId });
    if (q.afterId) qb.andWhere('j.id > :after', { after: q.afterId });
    return qb
      .orderBy('j.id', q.order ?? 'DESC')
      .limit(q.limit)
      .getMany();
  }

  /** Messages of the register since a time that have no journal post: what a crash between commit and event left out. */
  async unjournaled(since: Date, limit: number): Promise<Message[]> {
    return (
      this.m()
        .getRepository(MessageEntity)
        .createQueryBuilder('x')
        .leftJoin('journal_entries', 'j', 'j.message_id = x.id')
        .where('j.id IS NULL AND x.created_at >= :since', { since: this.deps.db.param(since) })
        .andWhere("x.kind = 'message' AND (x.direction = 'in' OR (x.direction = 'out' AND x.external_id IS NOT NULL))")
        // A send to an audience (an outbound SMS inquiry with no one citizen) is journaled once, by
        // the message holding its text; its per-recipient copies are not documents of their own.
        .andWhere(
          "NOT EXISTS (SELECT 1 FROM inquiries i WHERE i.id = x.inquiry_id AND i.channel = 'sms' AND i.direction = 'out' AND i.citizen_address IS NULL)",
        )
        .orderBy('x.id', 'ASC')
        .limit(limit)
        .getMany()
    );
  }
}
