import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import type { MessageStatus } from '../contracts/names';
import { SmsBroadcastEntity, SmsSenderRateEntity, type SmsBroadcast } from './sends.entities';

/*
 * A send to an audience in the register, in bulk: many rows per statement, never a statement per
 * recipient. Plain SQL with `?` placeholders, which both engines take; dates through db.param.
 *
 * Dispatch claims messages by writing a batch token into their `sms_outbound.claim` with one
 * conditional UPDATE (`claim IS NULL`): of two dispatchers that picked the same rows, each row goes
 * to exactly one, which alone hands it over. A claim is taken once and never released.
 */

/** Rows per INSERT: SQLite takes at most 32,766 values a statement; MariaDB's limit is the packet (16 MB). */
const ROWS_PER_INSERT = { sqlite: 2000, mysql: 5000 } as const;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const PENDING: MessageStatus[] = ['queued', 'scheduled'];
const pendingIn = `(${PENDING.map((s) => `'${s}'`).join(', ')})`;

export interface StoredRecipient {
  phone: string;
  body: string;
  country: string | null;
  operator: string | null;
}

export interface ClaimedMessage {
  id: number;
  to: string;
  body: string;
}

export interface HandOverResult {
  id: number;
  status: MessageStatus;
  externalId: string | null;
  providerStatus: string | null;
  detail: Record<string, unknown> | null;
}

export class BroadcastRepository {
  private consecutive: Promise<boolean> | null = null;

  constructor(private readonly deps: { db: Database }) {}

  /**
   * Whether a multi-row INSERT's ids are its first id and the ones after it: on InnoDB with
   * innodb_autoinc_lock_mode 0 or 1 (MariaDB's default) and an increment of 1 (not a Galera
   * cluster's), a simple multi-row INSERT takes its whole range at once. Then the ids need no
   * reading back; otherwise (SQLite, interleaved mode) they are read back by the send's inquiry.
   */
  private idsFollowInsertId(): Promise<boolean> {
    if (this.deps.db.dialect !== 'mysql') return Promise.resolve(false);
    this.consecutive ??= this.run<{ mode: number | string; inc: number | string }[]>(
      undefined,
      'SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS inc',
      [],
    ).then(
      ([r]) => Number(r?.mode) <= 1 && Number(r?.inc) === 1,
      () => false,
    );
    return this.consecutive;
  }

  private run<T = unknown>(m: EntityManager | undefined, sql: string, params: unknown[]): Promise<T> {
    return (m ?? this.deps.db.dataSource.manager).query(sql, params) as Promise<T>;
  }

  async insert(row: Omit<SmsBroadcast, 'id' | 'dispatched'>, m: EntityManager): Promise<void> {
    await m.getRepository(SmsBroadcastEntity).save({ ...row, dispatched: 0 } as SmsBroadcast);
  }

  /** Whether an emergency send other than this one has messages not yet handed over. */
  async emergencyUnderway(exceptSendId: number): Promise<boolean> {
    const rows = await this.run<unknown[]>(
      undefined,
      "SELECT b.send_id FROM sms_broadcasts b JOIN sms_sends s ON s.id = b.send_id WHERE b.emergency = 1 AND s.state = 'sending' AND b.send_id <> ? LIMIT 1",
      [exceptSendId],
    );
    return rows.length > 0;
  }

  bySend(sendId: number): Promise<SmsBroadcast | null> {
    return this.deps.db.dataSource.manager.getRepository(SmsBroadcastEntity).findOne({ where: { sendId } });
  }

  async bySends(sendIds: number[]): Promise<Map<number, SmsBroadcast>> {
    if (!sendIds.length) return new Map();
    const rows = await this.deps.db.dataSource.manager
      .getRepository(SmsBroadcastEntity)
      .createQueryBuilder('b')
      .where('b.send_id IN (:...ids)', { ids: sendIds })
      .getMany();
    return new Map(rows.map((r) => [r.sendId, r]));
  }

  /**
   * One message per recipient on the send's inquiry, with its first event and its sms_outbound
   * row: four statements per thousand recipients. The inquiry is new and written only here, so
   * its messages read back by id give each recipient's message id.
   */
  async storeMessages(
    m: EntityManager,
    x: { inquiryId: number; sendId: number; from: string; status: MessageStatus; authorId: number; at: Date; detail: Record<string, unknown> },
    recipients: StoredRecipient[],
  ): Promise<void> {
    const at = this.deps.db.param(x.at);
    const detail = JSON.stringify(x.detail);
    const size = ROWS_PER_INSERT[this.deps.db.dialect];
    let after = 0;
    for (let i = 0; i < recipients.length; i += size) {
      const part = recipients.slice(i, i + size);
      const values: unknown[] = [];
      for (const r of part) values.push(x.inquiryId, r.body, x.from, r.phone, x.status, x.authorId, at, at);
      const inserted = await this.run<{ insertId?: number }>(
        m,
        'INSERT INTO messages (inquiry_id, channel, direction, kind, body, from_address, to_address, status, author_id, created_at, updated_at) VALUES ' +
          part.map(() => "(?, 'sms', 'out', 'message', ?, ?, ?, ?, ?, ?, ?)").join(', '),
        values,
      );
      const first = Number(inserted?.insertId);
      const ids: { id: number | string; phone: string }[] =
        (await this.idsFollowInsertId()) && first > 0
          ? part.map((r, k) => ({ id: first + k, phone: r.phone }))
          : await this.run(m, 'SELECT id, to_address AS phone FROM messages WHERE inquiry_id = ? AND id > ? ORDER BY id', [x.inquiryId, after]);
      // The first events are made by the database from the rows just written (the send's text has no status).
      await this.run(
        m,
        'INSERT INTO message_events (message_id, status, at, detail) SELECT id, ?, ?, ? FROM messages WHERE inquiry_id = ? AND id > ? AND status IS NOT NULL',
        [x.status, at, detail, x.inquiryId, after],
      );
      const byPhone = new Map(part.map((r) => [r.phone, r]));
      const outbound: unknown[] = [];
      for (const row of ids) {
        const id = Number(row.id);
        const r = byPhone.get(row.phone);
        after = Math.max(after, id);
        if (r) outbound.push(id, x.sendId, r.country, r.operator);
      }
      if (!outbound.length) continue;
      await this.run(
        m,
        `INSERT INTO sms_outbound (message_id, send_id, country, operator) VALUES ${Array.from({ length: outbound.length / 4 }, () => '(?, ?, ?, ?)').join(', ')}`,
        outbound,
      );
    }
  }

  /**
   * Takes up to `limit` messages of the send that wait to be handed over and nobody has taken:
   * one conditional UPDATE writes this batch's token, then the batch reads back what it won.
   */
  async claim(sendId: number, limit: number, token: string, at: Date): Promise<ClaimedMessage[]> {
    const free = await this.run<{ id: number | string }[]>(
      undefined,
      `SELECT o.message_id AS id FROM sms_outbound o JOIN messages x ON x.id = o.message_id WHERE o.send_id = ? AND o.claim IS NULL AND x.status IN ${pendingIn} ORDER BY o.message_id LIMIT ${Math.max(1, Math.floor(limit))}`,
      [sendId],
    );
    if (!free.length) return [];
    const ids = free.map((r) => Number(r.id));
    await this.deps.db.statement((m) =>
      this.run(m, `UPDATE sms_outbound SET claim = ?, claimed_at = ? WHERE send_id = ? AND claim IS NULL AND message_id IN (${marks(ids.length)})`, [
        token,
        this.deps.db.param(at),
        sendId,
        ...ids,
      ]),
    );
    const won = await this.run<{ id: number | string; phone: string; body: string }[]>(
      undefined,
      `SELECT x.id AS id, x.to_address AS phone, x.body AS body FROM sms_outbound o JOIN messages x ON x.id = o.message_id WHERE o.send_id = ? AND o.claim = ? AND x.status IN ${pendingIn} ORDER BY x.id`,
      [sendId, token],
    );
    return won.map((r) => ({ id: Number(r.id), to: r.phone, body: r.body }));
  }

  /** Gives back a batch claimed ahead that was never handed over (the send was paused or cancelled meanwhile). */
  async release(sendId: number, token: string): Promise<void> {
    await this.deps.db.statement((m) =>
      this.run(m, 'UPDATE sms_outbound SET claim = NULL, claimed_at = NULL WHERE send_id = ? AND claim = ?', [sendId, token]),
    );
  }

  /**
   * A batch's outcomes in one transaction: each message's status and provider id (only while it
   * still waits, so a faster report is not undone), one history event each, the send's count.
   */
  async record(sendId: number, from: string | null, results: HandOverResult[], at: Date): Promise<void> {
    if (!results.length) return;
    const when = this.deps.db.param(at);
    await this.deps.db.transaction(async (m) => {
      for (let i = 0; i < results.length; i += 1000) {
        const part = results.slice(i, i + 1000);
        const statusCase = part.map(() => 'WHEN ? THEN ?').join(' ');
        const sidCase = part.map(() => 'WHEN ? THEN ?').join(' ');
        await this.run(
          m,
          `UPDATE messages SET status = CASE id ${statusCase} END, external_id = CASE id ${sidCase} ELSE external_id END, ${from ? 'from_address = ?, ' : ''}updated_at = ? ` +
            `WHERE id IN (${marks(part.length)}) AND status IN ${pendingIn}`,
          [...part.flatMap((r) => [r.id, r.status]), ...part.flatMap((r) => [r.id, r.externalId]), ...(from ? [from] : []), when, ...part.map((r) => r.id)],
        );
        await this.run(
          m,
          `INSERT INTO message_events (message_id, status, provider_status, at, detail) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          part.flatMap((r) => [r.id, r.status, r.providerStatus, when, r.detail && Object.keys(r.detail).length ? JSON.stringify(r.detail) : null]),
        );
      }
      const handed = results.filter((r) => r.externalId).length;
      if (handed) await this.run(m, 'UPDATE sms_broadcasts SET dispatched = dispatched + ? WHERE send_id = ?', [handed, sendId]);
    });
  }

  /**
   * Messages claimed before `before` that have neither a provider id nor an outcome: a dispatcher
   * stopped between its claim and its record. Whether the provider took them cannot be known
   * (Twilio's API takes no idempotency key), so they are never handed over again: they are failed,
   * with the reason, for a person to follow up. Nobody gets an alert twice.
   */
  async failInterrupted(sendId: number, before: Date, at: Date): Promise<number> {
    const rows = await this.run<{ id: number | string }[]>(
      undefined,
      `SELECT o.message_id AS id FROM sms_outbound o JOIN messages x ON x.id = o.message_id WHERE o.send_id = ? AND o.claim IS NOT NULL AND o.claimed_at < ? AND x.external_id IS NULL AND x.status IN ${pendingIn}`,
      [sendId, this.deps.db.param(before)],
    );
    if (!rows.length) return 0;
    const detail = {
      errorCode: 'dispatch_interrupted',
      errorMessage: 'The dispatcher stopped after taking this message; it may or may not have reached the provider, so it is not sent again',
    };
    await this.record(
      sendId,
      null,
      rows.map((r) => ({ id: Number(r.id), status: 'failed' as const, externalId: null, providerStatus: null, detail })),
      at,
    );
    return rows.length;
  }

  /** Messages not yet handed over or given up: claimed by a live dispatcher, or not yet claimed. */
  async pending(sendId: number): Promise<number> {
    const [row] = await this.run<{ n: number | string }[]>(
      undefined,
      `SELECT COUNT(*) AS n FROM sms_outbound o JOIN messages x ON x.id = o.message_id WHERE o.send_id = ? AND x.external_id IS NULL AND x.status IN ${pendingIn}`,
      [sendId],
    );
    return Number(row?.n ?? 0);
  }

  async rateOf(sender: string): Promise<number | null> {
    const row = await this.deps.db.dataSource.manager.getRepository(SmsSenderRateEntity).findOne({ where: { sender } });
    return row?.perSecond ?? null;
  }

  async setRate(sender: string, perSecond: number | null, by: number, at: Date, m: EntityManager): Promise<void> {
    const repo = m.getRepository(SmsSenderRateEntity);
    await repo.delete({ sender });
    if (perSecond !== null) await repo.insert({ sender, perSecond, updatedBy: by, updatedAt: at });
  }
}
