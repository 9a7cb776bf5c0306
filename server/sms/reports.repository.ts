import type { Database } from '../core/db/database';
import type { MessageStatus } from '../contracts/names';

/** Which outbound SMS a report covers: one send's, or a period's (optionally some departments'). */
export interface ReportScope {
  sendId?: number;
  /** Only these departments' messages; undefined for all. */
  departmentIds?: number[];
  /** Messages created at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
}

/** One recipient's message with the events a report needs, read a page at a time. */
export interface ReportMessage {
  id: number;
  status: MessageStatus;
  body: string;
  createdAt: Date;
  country: string | null;
  operator: string | null;
  events: ReportEvent[];
}

export interface ReportEvent {
  status: MessageStatus;
  providerStatus: string | null;
  at: Date;
  detail: Record<string, unknown> | null;
}

/**
 * Reads the messages of a report in pages by id (a keyset, never an offset), with their status
 * history, so a send to 100,000 residents passes through in pages of `pageSize` and is never
 * held whole. Plain SQL both engines speak; the arithmetic is the service's.
 */
export class SmsReportRepository {
  constructor(private readonly deps: { db: Database }) {}

  async *messages(scope: ReportScope, pageSize = 1000): AsyncGenerator<ReportMessage[]> {
    const bounds = await this.idBounds(scope);
    if (bounds === null) return;
    for (let after = bounds.after; ;) {
      const page = await this.page(scope, after, bounds.last, pageSize);
      if (page.length) yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1].id;
    }
  }

  /**
   * A period's messages lie between the first and last id created in it (ix_messages_created), so
   * the pages walk that stretch of the primary key rather than the table from its start. null: none.
   */
  private async idBounds(scope: ReportScope): Promise<{ after: number; last: number | null } | null> {
    if (!scope.from && !scope.to) return { after: 0, last: null };
    const { db } = this.deps;
    const qb = db.dataSource.createQueryBuilder().from('messages', 'x').select(['MIN(x.id) AS lo', 'MAX(x.id) AS hi']).where('1 = 1');
    if (scope.from) qb.andWhere('x.created_at >= :from', { from: db.param(scope.from) });
    if (scope.to) qb.andWhere('x.created_at < :to', { to: db.param(scope.to) });
    const row = await qb.getRawOne<{ lo: unknown; hi: unknown }>();
    if (row?.lo === null || row?.lo === undefined) return null;
    return { after: Number(row.lo) - 1, last: Number(row.hi) };
  }

  private async page(scope: ReportScope, after: number, last: number | null, limit: number): Promise<ReportMessage[]> {
    const { db } = this.deps;
    const qb = db.dataSource
      .createQueryBuilder()
      .from('messages', 'x')
      .innerJoin('inquiries', 'i', 'i.id = x.inquiry_id')
      .select(['x.id AS id', 'x.status AS status', 'x.body AS body', 'x.created_at AS createdAt', 'o.country AS country', 'o.operator AS operator'])
      // A send's text as composed (no status, no recipient) is the journal's document, not a recipient.
      .where("x.channel = 'sms' AND x.direction = 'out' AND x.status IS NOT NULL");
    if (scope.sendId !== undefined) {
      // A send's messages by ix_sms_outbound_send (send_id, message_id), in message order.
      qb.innerJoin('sms_outbound', 'o', 'o.message_id = x.id').andWhere('o.send_id = :sendId AND o.message_id > :after', { sendId: scope.sendId, after });
      qb.orderBy('o.message_id', 'ASC');
    } else {
      qb.leftJoin('sms_outbound', 'o', 'o.message_id = x.id').andWhere('x.id > :after', { after });
      qb.orderBy('x.id', 'ASC');
    }
    if (last !== null) qb.andWhere('x.id <= :last', { last });
    if (scope.departmentIds) qb.andWhere(scope.departmentIds.length ? 'i.department_id IN (:...deps)' : '1 = 0', { deps: scope.departmentIds });
    if (scope.from) qb.andWhere('x.created_at >= :from', { from: db.param(scope.from) });
    if (scope.to) qb.andWhere('x.created_at < :to', { to: db.param(scope.to) });
    const rows = await qb.limit(limit).getRawMany<Record<string, unknown>>();
    if (!rows.length) return [];
    const ids = rows.map((r) => Number(r.id));
    const events = (await db.dataSource.query(
      `SELECT message_id AS messageId, status, provider_status AS providerStatus, at, detail FROM message_events WHERE message_id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`,
      ids,
    )) as Record<string, unknown>[];
    const byMessage = new Map<number, ReportEvent[]>();
    for (const e of events) {
      const list = byMessage.get(Number(e.messageId)) ?? [];
      list.push({
        status: e.status as MessageStatus,
        providerStatus: (e.providerStatus as string | null) ?? null,
        at: asDate(e.at),
        detail: parseDetail(e.detail),
      });
      byMessage.set(Number(e.messageId), list);
    }
    return rows.map((r) => ({
      id: Number(r.id),
      status: r.status as MessageStatus,
      body: String(r.body ?? ''),
      createdAt: asDate(r.createdAt),
      country: (r.country as string | null) ?? null,
      operator: (r.operator as string | null) ?? null,
      events: byMessage.get(Number(r.id)) ?? [],
    }));
  }
}

/** simple-json is stored as text; a row written by hand with something else is treated as no detail. */
function parseDetail(v: unknown): Record<string, unknown> | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'object') return v as Record<string, unknown>;
  try {
    const d = JSON.parse(String(v)) as unknown;
    return d && typeof d === 'object' ? (d as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Raw rows come back as Date from MariaDB and as "YYYY-MM-DD HH:MM:SS.mmm" (UTC) from SQLite. */
function asDate(v: unknown): Date {
  if (v instanceof Date) return v;
  return new Date(String(v).replace(' ', 'T') + (String(v).endsWith('Z') ? '' : 'Z'));
}
