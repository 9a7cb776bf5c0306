import { In, type EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { InquiryEntity, type Inquiry } from './entities';
import { type Channel, type InquiryState } from '../contracts/names';
import type { Scope } from '../core/access';
import { fromRow, insertRow, insertStatements, rowsChanged, selectList, toDate, updateRow, updateStatement } from '../core/db/entity-sql';
import type { Statement } from '../core/db/transactions';
import { limitOf, operand, placeholders } from '../core/db/placeholders';

export interface InquiryFilter {
  channel?: Channel;
  state?: InquiryState;
  departmentId?: number;
  contactId?: number;
  caseId?: number;
  assigneeId?: number | null;
  beforeId?: number;
  limit: number;
}

export interface RecentInquiryRow {
  id: number;
  channel: Channel;
  direction: 'in' | 'out';
  createdAt: Date;
  summary: string;
  /** The inquiry's case, when its sender is a party on it. */
  caseNumber: string | null;
  /** The case the inquiry only names (its sender is no party on it). */
  mentionedCaseNumber?: string;
  state: InquiryState;
  departmentId: number;
}

export class InquiryRepository {
  constructor(private readonly deps: { db: Database }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(InquiryEntity);
  }

  byId(id: number, m?: EntityManager): Promise<Inquiry | null> {
    return this.repo(m).findOne({ where: { id } });
  }

  async insert(row: Omit<Inquiry, 'id'>, m: EntityManager): Promise<Inquiry> {
    return { id: await insertRow(this.deps.db, m, InquiryEntity, row), ...row };
  }

  async update(id: number, patch: Partial<Omit<Inquiry, 'id' | 'createdAt'>>, m: EntityManager) {
    await updateRow(this.deps.db, m, InquiryEntity, id, patch);
  }

  /**
   * update() made only while the inquiry's assignee is one of `assignees` (null: unassigned), in one
   * statement so two agents taking the same inquiry cannot both win. Gives whether it was made.
   */
  async updateIfAssignee(id: number, patch: Partial<Omit<Inquiry, 'id' | 'createdAt'>>, assignees: (number | null)[], m: EntityManager): Promise<boolean> {
    const update = updateStatement(this.deps.db, m, InquiryEntity, id, patch);
    if (!update) return true;
    const ids = assignees.filter((a): a is number => a !== null);
    const either = [...(assignees.includes(null) ? ['assignee_id IS NULL'] : []), ...(ids.length ? [`assignee_id IN (${ids.map(() => '?').join(', ')})`] : [])];
    const guard = either.length ? ` AND (${either.join(' OR ')})` : ' AND 1 = 0';
    return (await rowsChanged(m, update.sql + guard, [...update.params, ...ids])) > 0;
  }

  /**
   * The statements of insert(), for a transaction's commitWith; they give back `{ id }`.
   * `contactId`: SQL for a contact created earlier in the same batch (ContactRepository.idOf).
   */
  inserting(row: Omit<Inquiry, 'id'>, m: EntityManager, computed: { contactId?: Statement } = {}): Statement[] {
    return insertStatements(this.deps.db, m, InquiryEntity, row, computed);
  }

  /** The statement of update(), for a transaction's commitWith. */
  updating(id: number, patch: Partial<Omit<Inquiry, 'id' | 'createdAt'>>, m: EntityManager): Statement[] {
    const update = updateStatement(this.deps.db, m, InquiryEntity, id, patch);
    return update ? [update] : [];
  }

  /** Newest first by id (ids grow with time), one row more than asked so the caller knows if a page follows. */
  async list(filter: InquiryFilter, scope: Scope): Promise<Inquiry[]> {
    if (!scope.all && !scope.departmentIds.length) return [];
    const qb = this.repo().createQueryBuilder('i');
    if (!scope.all) qb.andWhere('i.department_id IN (:...deps)', { deps: scope.departmentIds });
    if (filter.channel) qb.andWhere('i.channel = :channel', { channel: filter.channel });
    if (filter.state) qb.andWhere('i.state = :state', { state: filter.state });
    if (filter.departmentId !== undefined) qb.andWhere('i.department_id = :departmentId', { departmentId: filter.departmentId });
    if (filter.contactId !== undefined) qb.andWhere('i.contact_id = :contactId', { contactId: filter.contactId });
    if (filter.caseId !== undefined) qb.andWhere('i.case_id = :caseId', { caseId: filter.caseId });
    if (filter.assigneeId === null) qb.andWhere('i.assignee_id IS NULL');
    else if (filter.assigneeId !== undefined) qb.andWhere('i.assignee_id = :assigneeId', { assigneeId: filter.assigneeId });
    if (filter.beforeId !== undefined) qb.andWhere('i.id < :beforeId', { beforeId: filter.beforeId });
    return qb
      .orderBy('i.id', 'DESC')
      .take(filter.limit + 1)
      .getMany();
  }

  /** A contact's latest inquiries on every channel, with the case number: the other half of the screen pop. */
  async recentOfContacts(contactIds: number[], scope: Scope, limit = 20): Promise<RecentInquiryRow[]> {
    if (!contactIds.length) return [];
    const read = recent({ sql: 'FROM inquiries i', where: `i.contact_id IN (${placeholders(contactIds)})`, params: contactIds }, scope, limit);
    return read ? this.recentFrom(await this.deps.db.dataSource.manager.query(read.sql, read.params)) : [];
  }

  /**
   * recentOfContacts for the contact that owns this number (a value, or SQL that gives it), as a statement for a batch (rows for
   * {@link recentFrom}); null when the scope holds no department.
   */
  recentOfPhone(number: string | Statement, scope: Scope, limit: number): Statement | null {
    const n = operand(number);
    return recent(
      { sql: 'FROM contact_phones p INNER JOIN inquiries i ON i.contact_id = p.contact_id', where: `p.e164 = ${n.sql}`, params: n.params },
      scope,
      limit,
    );
  }

  recentFrom(rows: (RecentInquiryRow & { createdAt: Date | string; caseMentioned: number | boolean })[]): RecentInquiryRow[] {
    // The screen pop shows these as the caller's history: a case they only named must not look like theirs.
    return rows.map(({ caseMentioned, caseNumber, ...r }) => ({
      ...r,
      id: Number(r.id),
      departmentId: Number(r.departmentId),
      createdAt: toDate(r.createdAt),
      ...(Number(caseMentioned) && caseNumber ? { caseNumber: null, mentionedCaseNumber: caseNumber } : { caseNumber }),
    }));
  }

  /** Contacts that have an inquiry within the scope. */
  async contactIdsVisibleThroughInquiries(contactIds: number[], scope: Scope): Promise<Set<number>> {
    if (scope.all) return new Set(contactIds);
    if (!contactIds.length || !scope.departmentIds.length) return new Set();
    const rows = await this.repo()
      .createQueryBuilder('i')
      .select('DISTINCT i.contact_id', 'contactId')
      .where('i.contact_id IN (:...contactIds) AND i.department_id IN (:...deps)', { contactIds, deps: scope.departmentIds })
      .getRawMany<{ contactId: number }>();
    return new Set(rows.map((r) => Number(r.contactId)));
  }

  /**
   * The inquiries a new message could continue (see continuableWhere); the newest is the one,
   * picked by newestOf. A plain read: the inbound service holds the citizen's contact lock in a
   * read-committed transaction, so this sees an inquiry the lock's previous holder opened,
   * without locking index ranges other citizens insert into.
   */
  async continuable(q: Continuation & { citizenAddress: string }, m: EntityManager): Promise<Inquiry[]> {
    const select = continuableSelect(this.deps.db, m, q);
    const rows: Record<string, unknown>[] = await m.query(select.sql, select.params);
    return rows.map((r) => fromRow(m, InquiryEntity, r));
  }

  async byIds(ids: number[]): Promise<Inquiry[]> {
    if (!ids.length) return [];
    return this.repo().find({ where: { id: In(ids) } });
  }
}

/** What a new message may continue: an inquiry on the same channel and receiving address, not closed, active since `since`. */
export interface Continuation {
  channel: Channel;
  channelAddress: string | null;
  since: Date;
}

/** The continuation rule as SQL on an inquiries alias, shared by the plain read and the contact lock's join. */
export function continuableWhere(db: Database, alias: string, q: Continuation): { sql: string; params: unknown[] } {
  const address = q.channelAddress === null ? `${alias}.channel_address IS NULL` : `${alias}.channel_address = ?`;
  return {
    sql: `${alias}.channel = ? AND ${alias}.state IN ('open', 'waiting') AND ${alias}.last_activity_at >= ? AND ${address}`,
    params: q.channelAddress === null ? [q.channel, db.param(q.since)] : [q.channel, db.param(q.since), q.channelAddress],
  };
}

/** The read of InquiryRepository.continuable as a statement, to send together with others. */
export function continuableSelect(db: Database, m: EntityManager, q: Continuation & { citizenAddress: string }): Statement {
  const where = continuableWhere(db, 'i', q);
  return {
    sql: `SELECT ${selectList(m, InquiryEntity, 'i')} FROM inquiries i WHERE i.citizen_address = ? AND ${where.sql}`,
    params: [q.citizenAddress, ...where.params],
  };
}

/**
 * The newest by id. Not ORDER BY id DESC LIMIT 1 in SQL: MariaDB may then walk the primary key
 * backwards instead of the citizen index, and a citizen has few open inquiries.
 */
export const newestOf = (inquiries: Inquiry[]): Inquiry | null =>
  inquiries.reduce<Inquiry | null>((newest, x) => (!newest || x.id > newest.id ? x : newest), null);

/** Plain SQL, as in ContactRepository.byPhone: this runs on every incoming call. */
function recent(from: { sql: string; where: string; params: unknown[] }, scope: Scope, limit: number): Statement | null {
  if (!scope.all && !scope.departmentIds.length) return null;
  const params: unknown[] = [...from.params];
  let sql =
    'SELECT i.id AS id, i.channel AS channel, i.direction AS direction, i.created_at AS createdAt, i.summary AS summary, i.state AS state, i.department_id AS departmentId, k.case_number AS caseNumber, i.case_mentioned AS caseMentioned' +
    ` ${from.sql} LEFT JOIN cases k ON k.id = i.case_id WHERE ${from.where}`;
  if (!scope.all) {
    sql += ` AND i.department_id IN (${placeholders(scope.departmentIds)})`;
    params.push(...scope.departmentIds);
  }
  sql += ` ORDER BY i.id DESC LIMIT ${limitOf(limit)}`;
  return { sql, params };
}
