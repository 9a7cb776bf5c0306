import { In, type EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { InquiryEntity, type Channel, type Inquiry, type InquiryState } from '../db/entities';
import type { Scope } from '../domain/access';
import { currentRead } from '../db/locking';
import { limitOf, placeholders } from '../db/sql';

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
  caseNumber: string | null;
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
    return (await this.repo(m).save({ ...row })) as Inquiry;
  }

  async update(id: number, patch: Partial<Omit<Inquiry, 'id' | 'createdAt'>>, m: EntityManager) {
    await this.repo(m).update({ id }, patch);
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
    return qb.orderBy('i.id', 'DESC').take(filter.limit + 1).getMany();
  }

  /** A contact's latest inquiries on every channel, with the case number: the other half of the screen pop. */
  async recentOfContacts(contactIds: number[], scope: Scope, limit = 20): Promise<RecentInquiryRow[]> {
    if (!contactIds.length || (!scope.all && !scope.departmentIds.length)) return [];
    // Plain SQL, as in ContactRepository.byPhone: this runs on every incoming call.
    const params: number[] = [...contactIds];
    let sql =
      'SELECT i.id AS id, i.channel AS channel, i.direction AS direction, i.created_at AS createdAt, i.summary AS summary, i.state AS state, i.department_id AS departmentId, k.case_number AS caseNumber' +
      ` FROM inquiries i LEFT JOIN cases k ON k.id = i.case_id WHERE i.contact_id IN (${placeholders(contactIds)})`;
    if (!scope.all) {
      sql += ` AND i.department_id IN (${placeholders(scope.departmentIds)})`;
      params.push(...scope.departmentIds);
    }
    sql += ` ORDER BY i.id DESC LIMIT ${limitOf(limit)}`;
    const rows: (RecentInquiryRow & { createdAt: Date | string })[] = await this.deps.db.dataSource.manager.query(sql, params);
    return rows.map((r) => ({ ...r, id: Number(r.id), departmentId: Number(r.departmentId), createdAt: toDate(r.createdAt) }));
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
   * The inquiry a new message continues: same channel, same citizen address, same receiving
   * address, not closed, active since `since`. Newest wins.
   */
  async findContinuable(q: { channel: Channel; citizenAddress: string; channelAddress: string | null; since: Date }, m?: EntityManager): Promise<Inquiry | null> {
    const qb = this.repo(m)
      .createQueryBuilder('i')
      .where('i.citizen_address = :citizen AND i.channel = :channel AND i.state IN (:...states)', {
        citizen: q.citizenAddress,
        channel: q.channel,
        states: ['open', 'waiting'],
      })
      .andWhere('i.last_activity_at >= :since', { since: this.deps.db.param(q.since) });
    if (q.channelAddress === null) qb.andWhere('i.channel_address IS NULL');
    else qb.andWhere('i.channel_address = :addr', { addr: q.channelAddress });
    // Current, not snapshot, data: the contact lock we hold may have waited for another message's inquiry.
    // No ORDER BY id LIMIT 1 in SQL: MariaDB then walks the primary key backwards and the locking
    // read locks its end, which every new inquiry's INSERT must wait for. A citizen has few open
    // inquiries, so the newest is picked here and the lock stays on that citizen's index range.
    const rows = await (m ? currentRead(qb) : qb).getMany();
    return rows.reduce<Inquiry | null>((newest, x) => (!newest || x.id > newest.id ? x : newest), null);
  }

  async byIds(ids: number[]): Promise<Inquiry[]> {
    if (!ids.length) return [];
    return this.repo().find({ where: { id: In(ids) } });
  }
}

/** Raw selects give dates as Date on MariaDB and as UTC text on SQLite. */
export function toDate(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
}
