import type { AuditRepository } from '../core/audit.repository';
import type { Database } from '../core/db/database';
import type { MessageRepository, InquiryRepository } from '../register/module';
import type { SmsMessageFilter, SmsMessageRow, SmsSort, SmsViewRepository } from './views.repository';
import { assertMay, seesEveryDepartment, type Actor } from '../core/access';
import type { Page, SmsDayCounts, SmsMessageHistoryView, SmsMessageView } from '../contracts/views';
import type { MessageStatus } from '../contracts/names';
import { localDate } from '../core/local-time';
import { badRequest, notFound } from '../core/errors';

/** The repository's filters as staff give them: sort optional, paging by an opaque cursor. */
export type SmsListQuery = Omit<SmsMessageFilter, 'departmentIds' | 'sort' | 'after' | 'limit'> & { sort?: SmsSort; cursor?: string; limit?: number };

export const encodeSmsCursor = (sort: SmsSort, row: SmsMessageRow) => {
  const key = sort.replace(/^-/, '');
  const value = key === 'status' ? row.status : key === 'to' ? (row.toAddress ?? '') : row.id;
  return Buffer.from(JSON.stringify([sort, value, row.id])).toString('base64url');
};

function decodeSmsCursor(sort: SmsSort, cursor: string): { value: string | number; id: number } {
  try {
    const [s, value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string | number, number];
    if (s === sort && Number.isInteger(id) && (typeof value === 'string' || typeof value === 'number')) return { value, id };
  } catch {
    /* falls through to the 400 */
  }
  throw badRequest('cursor is not one this API gave out for this sort', [{ path: ['cursor'], message: 'invalid cursor' }]);
}

/** Where a read came from, for the audit trail. */
export interface ReadAt {
  route: string;
  ip?: string;
}

/**
 * Delivery-status views of outbound SMS: list, one message's history, CSV export. Each shows
 * message bodies, so every message shown is recorded as read, as an inquiry's timeline is.
 */
export class SmsViewService {
  constructor(
    private readonly deps: {
      db: Database;
      views: SmsViewRepository;
      messages: MessageRepository;
      inquiries: InquiryRepository;
      audit: AuditRepository;
      /** The municipality's zone: a chart's day is the officers' day, not UTC's. */
      timeZone: string;
    },
  ) {}

  private read(actor: Actor, ids: number[], at: ReadAt): Promise<void> {
    return this.deps.audit.record(
      ids.map((id) => ({ userId: actor.id, action: 'read' as const, entityType: 'message' as const, entityId: id, route: at.route, ip: at.ip })),
    );
  }

  private scope(actor: Actor): number[] | undefined {
    assertMay(actor, 'seeDeliveryStatus', 'Your role may not see SMS delivery status');
    return seesEveryDepartment(actor) ? undefined : actor.departmentIds;
  }

  private filter(actor: Actor, q: SmsListQuery, limit: number): SmsMessageFilter {
    const sort = q.sort ?? '-createdAt';
    return {
      departmentIds: this.scope(actor),
      statuses: q.statuses,
      country: q.country,
      operator: q.operator,
      sender: q.sender,
      sendId: q.sendId,
      from: q.from,
      to: q.to,
      sort,
      after: q.cursor ? decodeSmsCursor(sort, q.cursor) : undefined,
      limit,
    };
  }

  async list(actor: Actor, q: SmsListQuery, at: ReadAt): Promise<Page<SmsMessageView>> {
    const limit = q.limit ?? 50;
    const f = this.filter(actor, q, limit + 1);
    const rows = await this.deps.views.list(f);
    const page = rows.slice(0, limit);
    await this.read(
      actor,
      page.map((r) => r.id),
      at,
    );
    return { items: page.map(view), nextCursor: rows.length > limit ? encodeSmsCursor(f.sort, page[page.length - 1]) : null };
  }

  /** Every matching row, page by page, so an export of a year does not sit in memory at once. */
  async *all(actor: Actor, q: Omit<SmsListQuery, 'cursor' | 'limit'>, at: ReadAt, max = 100_000): AsyncGenerator<SmsMessageRow> {
    let f = this.filter(actor, q, 1000);
    for (let n = 0; n < max;) {
      const rows = await this.deps.views.list(f);
      // Recorded a page at a time, before the page is written out.
      await this.read(
        actor,
        rows.map((r) => r.id),
        at,
      );
      for (const r of rows) yield r;
      n += rows.length;
      if (rows.length < f.limit) return;
      const last = rows[rows.length - 1];
      const key = f.sort.replace(/^-/, '');
      f = { ...f, after: { value: key === 'status' ? last.status : key === 'to' ? (last.toAddress ?? '') : last.id, id: last.id } };
    }
  }

  /**
   * Messages per local day and status for the delivery chart, counted by the database over every
   * matching message (not the page the console has loaded). Shows no content, so reads nothing
   * into the audit trail. Days without messages between the first and the last are zeros.
   */
  async days(actor: Actor, q: Omit<SmsListQuery, 'cursor' | 'limit' | 'sort'>): Promise<SmsDayCounts> {
    const { sort: _sort, after: _after, limit: _limit, ...f } = this.filter(actor, q, 1);
    const byDay = new Map<string, Partial<Record<MessageStatus, number>>>();
    for (const b of await this.deps.views.quarterHourCounts(f)) {
      const day = localDate(new Date(b.quarter * 900_000), this.deps.timeZone);
      const counts = byDay.get(day) ?? {};
      counts[b.status] = (counts[b.status] ?? 0) + b.count;
      byDay.set(day, counts);
    }
    const known = [...byDay.keys()].sort();
    const days = known.length ? everyDay(known[0], known[known.length - 1]) : [];
    return {
      timeZone: this.deps.timeZone,
      days: days.map((date) => {
        const counts = byDay.get(date) ?? {};
        return { date, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
      }),
    };
  }

  /** One recipient's message with its whole event history. */
  async history(actor: Actor, id: number, at: ReadAt): Promise<SmsMessageHistoryView> {
    const scope = this.scope(actor);
    const message = await this.deps.messages.byId(id);
    const inquiry = message && message.channel === 'sms' ? await this.deps.inquiries.byId(message.inquiryId) : null;
    if (!message || !inquiry || (scope && !scope.includes(inquiry.departmentId))) throw notFound('Message');
    const events = await this.deps.messages.events(id);
    await this.read(actor, [id], at);
    return {
      id: message.id,
      direction: message.direction,
      status: message.status,
      from: message.fromAddress,
      to: message.toAddress,
      body: message.body,
      externalId: message.externalId,
      createdAt: message.createdAt,
      events: events.map((e) => ({ status: e.status, at: e.at, providerStatus: e.providerStatus, ...(e.detail ?? {}) })),
    };
  }
}

/** Every calendar date from `first` to `last` (YYYY-MM-DD), both included. */
function everyDay(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); out.length < 3700; d = new Date(d.getTime() + 86_400_000)) {
    const date = d.toISOString().slice(0, 10);
    out.push(date);
    if (date >= last) break;
  }
  return out;
}

function view(r: SmsMessageRow): SmsMessageView {
  return {
    id: r.id,
    inquiryId: r.inquiryId,
    status: r.status,
    from: r.fromAddress,
    to: r.toAddress,
    country: r.country,
    operator: r.operator,
    sendId: r.sendId,
    body: r.body,
    externalId: r.externalId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
