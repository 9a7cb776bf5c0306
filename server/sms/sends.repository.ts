import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Database } from '../core/db/database';
import type { MessageStatus } from '../contracts/names';
import { MessageEntity } from '../register/module';
import { SmsOutboundInfoEntity, SmsSendEntity, type SendState, type SmsOutboundInfo, type SmsSend } from './sends.entities';

/** Officers' sends and the SMS channel's per-message facts (send, country, operator). */
export class SmsSendRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(SmsSendEntity);
  }

  private info(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(SmsOutboundInfoEntity);
  }

  async insert(row: Omit<SmsSend, 'id'>, m: EntityManager): Promise<SmsSend> {
    return (await this.repo(m).save({ ...row } as SmsSend)) as SmsSend;
  }

  byId(id: number, m?: EntityManager): Promise<SmsSend | null> {
    return this.repo(m).findOne({ where: { id } });
  }

  /** Moves the send's state only from one of `from`: one conditional UPDATE, so two requests cannot both win. */
  async transition(
    id: number,
    to: SendState,
    from: SendState[],
    m: EntityManager,
    patch: Partial<Pick<SmsSend, 'pausedBy' | 'approvedBy' | 'sendAt'>> = {},
  ): Promise<boolean> {
    const r = await this.repo(m)
      .createQueryBuilder()
      .update()
      .set({ state: to, updatedAt: this.deps.clock(), ...patch } as QueryDeepPartialEntity<SmsSend>)
      .where('id = :id', { id })
      .andWhere('state IN (:...from)', { from })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** Sends in these states, newest first, optionally only some departments' or one sender's. */
  async list(q: { states?: SendState[]; departmentIds?: number[]; sender?: string; beforeId?: number; limit: number }): Promise<SmsSend[]> {
    const qb = this.repo().createQueryBuilder('s').orderBy('s.id', 'DESC').limit(q.limit);
    if (q.states?.length) qb.andWhere('s.state IN (:...states)', { states: q.states });
    if (q.departmentIds) qb.andWhere(q.departmentIds.length ? 's.department_id IN (:...deps)' : '1 = 0', { deps: q.departmentIds });
    if (q.sender) qb.andWhere('s.sender = :sender', { sender: q.sender });
    if (q.beforeId) qb.andWhere('s.id < :before', { before: q.beforeId });
    return qb.getMany();
  }

  /** Sends that should have a job waiting: what a restart enqueues again. */
  scheduled(): Promise<SmsSend[]> {
    return this.repo().find({ where: { state: In(['scheduled', 'sending'] as SendState[]) }, order: { id: 'ASC' } });
  }

  async addInfo(rows: Omit<SmsOutboundInfo, 'id'>[], m: EntityManager): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await this.info(m).insert(rows.slice(i, i + 200));
  }

  /** Adds the row unless the message has one (a reply sent twice, a retried hand-over). */
  async ensureInfo(row: Omit<SmsOutboundInfo, 'id'>): Promise<void> {
    await this.deps.db.transaction(async (m) => {
      if (await this.info(m).findOne({ where: { messageId: row.messageId } })) return;
      await this.info(m).insert(row);
    });
  }

  async infoOf(messageId: number): Promise<SmsOutboundInfo | null> {
    return this.info().findOne({ where: { messageId } });
  }

  async setOperator(messageId: number, operator: string, m: EntityManager): Promise<void> {
    await this.info(m).update({ messageId }, { operator: operator.slice(0, 64) });
  }

  /** The send's messages, optionally only those in some statuses. */
  async messagesOf(
    sendId: number,
    statuses?: MessageStatus[],
    m?: EntityManager,
  ): Promise<{ id: number; toAddress: string; body: string; status: MessageStatus }[]> {
    const qb = (m ?? this.deps.db.dataSource.manager)
      .getRepository(MessageEntity)
      .createQueryBuilder('x')
      .innerJoin('sms_outbound', 'o', 'o.message_id = x.id')
      .select(['x.id AS id', 'x.to_address AS toAddress', 'x.body AS body', 'x.status AS status'])
      .where('o.send_id = :sendId', { sendId })
      .orderBy('x.id', 'ASC');
    if (statuses?.length) qb.andWhere('x.status IN (:...statuses)', { statuses });
    const rows = await qb.getRawMany<{ id: number; toAddress: string; body: string; status: MessageStatus }>();
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** The register inquiry of each send to an audience among these sends (other sends have one per recipient). */
  private async broadcastInquiries(sendIds: number[], m?: EntityManager): Promise<Map<number, number>> {
    if (!sendIds.length) return new Map();
    const rows = (await (m ?? this.deps.db.dataSource.manager).query(
      `SELECT send_id AS sendId, inquiry_id AS inquiryId FROM sms_broadcasts WHERE send_id IN (${sendIds.map(() => '?').join(', ')})`,
      sendIds,
    )) as { sendId: number | string; inquiryId: number | string }[];
    return new Map(rows.map((r) => [Number(r.sendId), Number(r.inquiryId)]));
  }

  /**
   * Moves every message of the send that is in one of `from` to `status`, each with a history
   * event: two statements whatever the send's size (events first, while the old status still
   * picks the rows). A send to an audience finds its messages by its one inquiry, on an index.
   */
  async moveMessages(sendId: number, from: MessageStatus[], status: MessageStatus, at: Date, detail: Record<string, unknown>, m: EntityManager): Promise<void> {
    if (!from.length) return;
    const marks = from.map(() => '?').join(', ');
    const when = this.deps.db.param(at);
    const inquiryId = (await this.broadcastInquiries([sendId], m)).get(sendId);
    const [rows, key] = inquiryId
      ? ['messages x WHERE x.inquiry_id = ?', inquiryId]
      : ['sms_outbound o JOIN messages x ON x.id = o.message_id WHERE o.send_id = ?', sendId];
    await m.query(`INSERT INTO message_events (message_id, status, at, detail) SELECT x.id, ?, ?, ? FROM ${rows} AND x.status IN (${marks})`, [
      status,
      when,
      JSON.stringify(detail),
      key,
      ...from,
    ]);
    await m.query(
      inquiryId
        ? `UPDATE messages SET status = ?, updated_at = ? WHERE inquiry_id = ? AND status IN (${marks})`
        : `UPDATE messages SET status = ?, updated_at = ? WHERE id IN (SELECT o.message_id FROM sms_outbound o WHERE o.send_id = ?) AND status IN (${marks})`,
      [status, when, key, ...from],
    );
  }

  /**
   * How many of each send's messages are in each status. A send to an audience counts on the
   * (inquiry, status) index alone (its text's own message has no status), cheap enough to poll
   * while 100,000 messages go out; other sends join their few messages.
   */
  async statusCounts(sendIds: number[]): Promise<Map<number, Partial<Record<MessageStatus, number>>>> {
    const out = new Map<number, Partial<Record<MessageStatus, number>>>();
    if (!sendIds.length) return out;
    const add = (id: number, status: MessageStatus, n: number | string) => out.set(id, { ...(out.get(id) ?? {}), [status]: Number(n) });
    const broadcasts = await this.broadcastInquiries(sendIds);
    for (const [sendId, inquiryId] of broadcasts) {
      const rows = (await this.deps.db.dataSource.query(
        'SELECT status, COUNT(*) AS n FROM messages WHERE inquiry_id = ? AND status IS NOT NULL GROUP BY status',
        [inquiryId],
      )) as { status: MessageStatus; n: number | string }[];
      for (const r of rows) add(sendId, r.status, r.n);
    }
    const others = sendIds.filter((id) => !broadcasts.has(id));
    if (!others.length) return out;
    const rows = await this.deps.db.dataSource.manager
      .getRepository(MessageEntity)
      .createQueryBuilder('x')
      .innerJoin('sms_outbound', 'o', 'o.message_id = x.id')
      .select(['o.send_id AS sendId', 'x.status AS status', 'COUNT(*) AS n'])
      .where('o.send_id IN (:...ids)', { ids: others })
      .groupBy('o.send_id')
      .addGroupBy('x.status')
      .getRawMany<{ sendId: number; status: MessageStatus; n: number | string }>();
    for (const r of rows) add(Number(r.sendId), r.status, r.n);
    return out;
  }

  /** Outbound SMS sent from a number since a time: the sender's normal volume. */
  async volumeSince(sender: string, since: Date): Promise<number> {
    return this.deps.db.dataSource.manager
      .getRepository(MessageEntity)
      .createQueryBuilder('x')
      .where("x.channel = 'sms' AND x.direction = 'out' AND x.from_address = :sender AND x.created_at >= :since", { sender, since: this.deps.db.param(since) })
      .getCount();
  }
}
