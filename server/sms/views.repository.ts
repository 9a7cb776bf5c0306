import type { Database } from '../core/db/database';
import type { MessageStatus } from '../contracts/names';
import { MessageEntity } from '../register/module';

export const SMS_SORTS = ['createdAt', '-createdAt', 'status', '-status', 'to', '-to'] as const;
export type SmsSort = (typeof SMS_SORTS)[number];

export interface SmsMessageFilter {
  /** Only these departments' messages; undefined for all. */
  departmentIds?: number[];
  statuses?: MessageStatus[];
  country?: string;
  operator?: string;
  sender?: string;
  sendId?: number;
  from?: Date;
  to?: Date;
  sort: SmsSort;
  /** Keyset: the sort value and id of the last row of the previous page. */
  after?: { value: string | number; id: number };
  limit: number;
}

export interface SmsMessageRow {
  id: number;
  inquiryId: number;
  departmentId: number;
  status: MessageStatus;
  fromAddress: string | null;
  toAddress: string | null;
  body: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
  country: string | null;
  operator: string | null;
  sendId: number | null;
}

const COLUMN: Record<string, string> = { createdAt: 'x.id', status: 'x.status', to: 'x.to_address' };

/** Outbound SMS for staff views: filtered, sorted on an indexed column and paged by keyset, never by offset. */
export class SmsViewRepository {
  constructor(private readonly deps: { db: Database }) {}

  /**
   * Counts per quarter hour (UTC epoch seconds / 900) and status: small enough for a year, fine
   * enough that every real time zone's midnight falls on a bucket's edge, so the service can count
   * local days without reading a row per message.
   */
  async quarterHourCounts(f: Omit<SmsMessageFilter, 'sort' | 'after' | 'limit'>): Promise<{ quarter: number; status: MessageStatus; count: number }[]> {
    // Seconds since the epoch from the stored UTC time, by arithmetic: UNIX_TIMESTAMP would read it in the session's zone.
    const epoch =
      this.deps.db.dialect === 'sqlite' ? "CAST(strftime('%s', x.created_at) AS INTEGER)" : "TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', x.created_at)";
    const qb = this.filtered(f)
      .select(`FLOOR(${epoch} / 900)`, 'quarter')
      .addSelect('x.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('quarter')
      .addGroupBy('x.status');
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({ quarter: Number(r.quarter), status: r.status as MessageStatus, count: Number(r.n) }));
  }

  private filtered(f: Omit<SmsMessageFilter, 'sort' | 'after' | 'limit'>) {
    const qb = this.deps.db.dataSource.manager
      .getRepository(MessageEntity)
      .createQueryBuilder('x')
      .innerJoin('inquiries', 'i', 'i.id = x.inquiry_id')
      .leftJoin('sms_outbound', 'o', 'o.message_id = x.id')
      .where("x.channel = 'sms' AND x.direction = 'out'");
    if (f.departmentIds) qb.andWhere(f.departmentIds.length ? 'i.department_id IN (:...deps)' : '1 = 0', { deps: f.departmentIds });
    if (f.statuses?.length) qb.andWhere('x.status IN (:...statuses)', { statuses: f.statuses });
    if (f.country) qb.andWhere('o.country = :country', { country: f.country });
    if (f.operator) qb.andWhere('o.operator = :operator', { operator: f.operator });
    if (f.sender) qb.andWhere('x.from_address = :sender', { sender: f.sender });
    if (f.sendId) qb.andWhere('o.send_id = :sendId', { sendId: f.sendId });
    if (f.from) qb.andWhere('x.created_at >= :from', { from: this.deps.db.param(f.from) });
    if (f.to) qb.andWhere('x.created_at < :to', { to: this.deps.db.param(f.to) });
    return qb;
  }

  async list(f: SmsMessageFilter): Promise<SmsMessageRow[]> {
    const desc = f.sort.startsWith('-');
    const col = COLUMN[f.sort.replace(/^-/, '')];
    const qb = this.filtered(f).select([
      'x.id AS id',
      'x.inquiry_id AS inquiryId',
      'i.department_id AS departmentId',
      'x.status AS status',
      'x.from_address AS fromAddress',
      'x.to_address AS toAddress',
      'x.body AS body',
      'x.external_id AS externalId',
      'x.created_at AS createdAt',
      'x.updated_at AS updatedAt',
      'o.country AS country',
      'o.operator AS operator',
      'o.send_id AS sendId',
    ]);
    if (f.after) {
      const op = desc ? '<' : '>';
      if (col === 'x.id') qb.andWhere(`x.id ${op} :afterId`, { afterId: f.after.id });
      else qb.andWhere(`(${col} ${op} :afterValue OR (${col} = :afterValue AND x.id ${op} :afterId))`, { afterValue: f.after.value, afterId: f.after.id });
    }
    qb.orderBy(col, desc ? 'DESC' : 'ASC');
    if (col !== 'x.id') qb.addOrderBy('x.id', desc ? 'DESC' : 'ASC');
    const rows = await qb.limit(f.limit).getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({
      id: Number(r.id),
      inquiryId: Number(r.inquiryId),
      departmentId: Number(r.departmentId),
      status: r.status as MessageStatus,
      fromAddress: (r.fromAddress as string) ?? null,
      toAddress: (r.toAddress as string) ?? null,
      body: String(r.body),
      externalId: (r.externalId as string) ?? null,
      createdAt: asDate(r.createdAt),
      updatedAt: asDate(r.updatedAt),
      country: (r.country as string) ?? null,
      operator: (r.operator as string) ?? null,
      sendId: r.sendId === null || r.sendId === undefined ? null : Number(r.sendId),
    }));
  }
}

/** Raw rows come back as Date from MariaDB and as "YYYY-MM-DD HH:MM:SS.mmm" (UTC) from SQLite. */
function asDate(v: unknown): Date {
  if (v instanceof Date) return v;
  return new Date(String(v).replace(' ', 'T') + (String(v).endsWith('Z') ? '' : 'Z'));
}
