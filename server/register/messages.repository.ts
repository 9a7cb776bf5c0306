import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type Database, isUniqueViolation } from '../core/db/database';
import { currentRead } from '../core/db/current-read';
import { insertRow, insertStatements, lastInsertId, toDate } from '../core/db/entity-sql';
import { limitOf } from '../core/db/placeholders';
import type { Statement } from '../core/db/transactions';
import { MessageEntity, MessageEventEntity, type Message, type MessageEvent } from './entities';
import { type Channel, type MessageStatus } from '../contracts/names';

type NoteInput = { inquiryId: number; channel: Message['channel']; body: string; authorId: number | null; at: Date };

function noteRow({ at, ...rest }: NoteInput): Omit<Message, 'id'> {
  return {
    ...rest,
    direction: 'internal',
    kind: 'note',
    bodyHtml: null,
    subject: null,
    fromAddress: null,
    toAddress: null,
    externalId: null,
    status: null,
    meta: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** A timeline item as read for a page: the body as a preview, the HTML only when small. */
export interface TimelineRow extends Omit<Message, 'bodyHtml' | 'meta' | 'updatedAt'> {
  /** The body was longer than the preview. */
  bodyTruncated: boolean;
  /** The sanitised HTML, or null when there is none or it is too large to send on a page (then `hasHtml`). */
  bodyHtml: string | null;
  hasHtml: boolean;
}

/** The start of a body, at most `max` characters as the database counts them (code points, not UTF-16 units). */
export function bodyPreview(text: string, max: number): { body: string; bodyTruncated: boolean } {
  if (text.length <= max) return { body: text, bodyTruncated: false };
  const chars = Array.from(text.slice(0, 2 * max + 2));
  return chars.length > max ? { body: chars.slice(0, max).join(''), bodyTruncated: true } : { body: text, bodyTruncated: false };
}

export class MessageRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(MessageEntity);
  }

  byId(id: number, m?: EntityManager): Promise<Message | null> {
    return this.repo(m).findOne({ where: { id } });
  }

  byExternalId(channel: Channel, externalId: string, m?: EntityManager): Promise<Message | null> {
    return this.repo(m).findOne({ where: { channel, externalId } });
  }

  /**
   * Inserts the timeline item unless one with the same (channel, external id) exists. The unique
   * key decides, with no read first: a provider's retry, or one racing the first delivery, gets
   * the first row back. Plain SQL, as every inbound and outbound message passes here.
   */
  /** An internal note on an inquiry's timeline (staff's own words, or what happened to a call). */
  async insertNote(note: NoteInput, m: EntityManager): Promise<Message> {
    const row = noteRow(note);
    return { id: await insertRow(this.deps.db, m, MessageEntity, row), ...row };
  }

  /** The statement of insertNote(), for a transaction's commitWith (the note's id is not read back). */
  noting(note: NoteInput, m: EntityManager): Statement[] {
    return insertStatements(this.deps.db, m, MessageEntity, noteRow(note)).slice(0, 1);
  }

  async insertOnce(row: Omit<Message, 'id'>, m: EntityManager): Promise<{ message: Message; inserted: boolean }> {
    try {
      return { message: { id: await insertRow(this.deps.db, m, MessageEntity, row), ...row }, inserted: true };
    } catch (e) {
      if (!row.externalId || !isUniqueViolation(e)) throw e;
      const winner = await currentRead(
        this.repo(m).createQueryBuilder('x').where('x.channel = :channel AND x.external_id = :ext', { channel: row.channel, ext: row.externalId }),
      ).getOne();
      if (!winner) throw e;
      return { message: winner, inserted: false };
    }
  }

  /**
   * The statements inserting this message, for a transaction's commitWith; they give back `{ id }`.
   * `inquiryOfPrevious`: the inquiry is the row inserted just before, in the same batch.
   */
  inserting(row: Omit<Message, 'id'>, m: EntityManager, opts: { inquiryOfPrevious?: boolean } = {}): Statement[] {
    return insertStatements(this.deps.db, m, MessageEntity, row, opts.inquiryOfPrevious ? { inquiryId: lastInsertId(this.deps.db) } : {});
  }

  /**
   * SQL for a column (its id, its inquiry) of the message with this channel and external id, for a
   * later statement of the transaction that stores it: the unique key finds it whatever ran between.
   */
  columnByExternalId(channel: Message['channel'], externalId: string, column: 'id' | 'inquiry_id'): Statement {
    return { sql: `(SELECT x.${column} FROM messages x WHERE x.channel = ? AND x.external_id = ?)`, params: [channel, externalId] };
  }

  /**
   * Sets keys of a message's meta without reading it first (JSON_SET, which both engines have), as
   * a statement for a transaction's commitWith. Key names are ours, never a caller's input.
   */
  mergingMeta(id: number, patch: Record<string, string | number | null>): Statement {
    const keys = Object.keys(patch);
    if (!keys.length || keys.some((k) => !/^[A-Za-z][A-Za-z0-9]*$/.test(k))) throw new Error(`meta keys must be plain names: ${keys.join(', ')}`);
    return {
      sql: `UPDATE messages SET meta = JSON_SET(COALESCE(meta, '{}'), ${keys.map((k) => `'$.${k}', ?`).join(', ')}), updated_at = ? WHERE id = ?`,
      params: [...keys.map((k) => patch[k]), this.deps.db.param(this.deps.clock()), id],
    };
  }

  async update(id: number, patch: Partial<Omit<Message, 'id' | 'createdAt'>>, m: EntityManager) {
    await this.repo(m).update({ id }, { ...patch, updatedAt: this.deps.clock() } as QueryDeepPartialEntity<Message>);
  }

  /**
   * Moves the status only if the message is still in one of `from`: one conditional UPDATE, so
   * concurrent reports for the same message cannot undo each other.
   */
  async advanceStatus(id: number, to: MessageStatus, from: MessageStatus[], m: EntityManager): Promise<boolean> {
    const r = await this.repo(m)
      .createQueryBuilder()
      .update()
      .set({ status: to, updatedAt: this.deps.clock() })
      .where('id = :id', { id })
      .andWhere('(status IS NULL OR status IN (:...from))', { from })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** Outbound messages handed to a provider before `before` that are still waiting for a report. */
  async awaitingReportSince(before: Date, limit: number): Promise<number[]> {
    const rows = await this.repo()
      .createQueryBuilder('x')
      .select('x.id', 'id')
      .where("x.direction = 'out' AND x.status IN ('queued', 'sent') AND x.created_at < :before", { before: this.deps.db.param(before) })
      .orderBy('x.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number }>();
    return rows.map((r) => Number(r.id));
  }

  /**
   * One page of an inquiry's timeline, newest first, without whole bodies: each body as at most
   * `previewChars` characters (one more is read, to tell whether it was cut) and the HTML only when
   * it is at most `htmlChars` long. Bodies are kept up to a million characters; a page of fifty
   * of them would be fifty megabytes. GET /api/messages/:id gives a whole one.
   */
  async timelinePage(inquiryId: number, q: { beforeId?: number; limit: number; previewChars: number; htmlChars: number }): Promise<TimelineRow[]> {
    // LENGTH counts characters on SQLite and bytes on MariaDB: either way no more than htmlChars characters pass.
    const sql =
      `SELECT x.id AS id, x.channel AS channel, x.direction AS direction, x.kind AS kind, x.subject AS subject,
              x.from_address AS fromAddress, x.to_address AS toAddress, x.external_id AS externalId, x.status AS status,
              x.author_id AS authorId, x.created_at AS createdAt,
              SUBSTR(x.body, 1, ${limitOf(q.previewChars + 1)}) AS preview,
              CASE WHEN x.body_html IS NOT NULL AND LENGTH(x.body_html) <= ${limitOf(q.htmlChars)} THEN x.body_html END AS bodyHtml,
              CASE WHEN x.body_html IS NULL THEN 0 ELSE 1 END AS hasHtml
       FROM messages x WHERE x.inquiry_id = ?` +
      (q.beforeId !== undefined ? ' AND x.id < ?' : '') +
      ` ORDER BY x.id DESC LIMIT ${limitOf(q.limit)}`;
    const rows = (await this.deps.db.dataSource.query(sql, q.beforeId !== undefined ? [inquiryId, q.beforeId] : [inquiryId])) as Record<string, unknown>[];
    return rows.map((r) => {
      const { body, bodyTruncated } = bodyPreview(String(r.preview ?? ''), q.previewChars);
      return {
        id: Number(r.id),
        inquiryId,
        channel: r.channel as Channel,
        direction: r.direction as Message['direction'],
        kind: r.kind as Message['kind'],
        subject: (r.subject as string | null) ?? null,
        fromAddress: (r.fromAddress as string | null) ?? null,
        toAddress: (r.toAddress as string | null) ?? null,
        externalId: (r.externalId as string | null) ?? null,
        status: (r.status as MessageStatus | null) ?? null,
        authorId: r.authorId === null || r.authorId === undefined ? null : Number(r.authorId),
        createdAt: toDate(r.createdAt as Date | string),
        body,
        bodyTruncated,
        bodyHtml: (r.bodyHtml as string | null) ?? null,
        hasHtml: Number(r.hasHtml) === 1,
      };
    });
  }

  /** Every message of the inquiry with its whole body: for tests and tools. The API reads pages (timelinePage). */
  timeline(inquiryId: number): Promise<Message[]> {
    return this.repo().find({ where: { inquiryId }, order: { id: 'ASC' } });
  }

  async firstOf(inquiryId: number, m?: EntityManager): Promise<Message | null> {
    return this.repo(m).findOne({ where: { inquiryId }, order: { id: 'ASC' } });
  }

  events(messageId: number): Promise<MessageEvent[]> {
    return this.deps.db.dataSource.manager.getRepository(MessageEventEntity).find({ where: { messageId }, order: { id: 'ASC' } });
  }

  async addEvent(event: Omit<MessageEvent, 'id'>, m: EntityManager): Promise<void> {
    await m.getRepository(MessageEventEntity).insert(event as QueryDeepPartialEntity<MessageEvent>);
  }
}
