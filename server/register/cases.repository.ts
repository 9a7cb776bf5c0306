import { In, type EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { limitOf, operand, placeholders } from '../core/db/placeholders';
import { fromRow, selectList } from '../core/db/entity-sql';
import type { Statement } from '../core/db/transactions';
import { CaseContactEntity, CaseEntity, type CaseContact, type CaseFile } from './entities';
import type { Scope } from '../core/access';
import { addressOf, type ContactKey } from './contacts.repository';

/** A case a message names, and whether its sender is a party on it (else it is only a mention). */
export interface NamedCase {
  file: CaseFile;
  verified: boolean;
}

export interface CaseSummaryRow {
  id: number;
  caseNumber: string;
  title: string;
  status: string;
  isOpen: boolean;
  departmentId: number;
  contactId: number;
  role: string | null;
}

export class CaseRepository {
  constructor(private readonly deps: { db: Database }) {}

  private manager(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  byNumber(caseNumber: string, m?: EntityManager): Promise<CaseFile | null> {
    return this.manager(m).getRepository(CaseEntity).findOne({ where: { caseNumber } });
  }

  byId(id: number, m?: EntityManager): Promise<CaseFile | null> {
    return this.manager(m).getRepository(CaseEntity).findOne({ where: { id } });
  }

  async byIds(ids: number[]): Promise<CaseFile[]> {
    if (!ids.length) return [];
    return this.manager()
      .getRepository(CaseEntity)
      .find({ where: { id: In(ids) } });
  }

  async byNumbers(numbers: string[], m?: EntityManager): Promise<CaseFile[]> {
    if (!numbers.length) return [];
    return this.manager(m)
      .getRepository(CaseEntity)
      .find({ where: { caseNumber: In(numbers) } });
  }

  /**
   * The known cases among these candidate numbers, each with whether the sender (by number or
   * address) is a party on it: one statement, an IN lookup on the unique case number and, per case
   * found, the (case, contact) key of case_contacts. To send with the inbound transaction's first
   * round trip; `namedFrom` reads its rows.
   */
  naming(candidates: string[], sender: ContactKey | null, m: EntityManager): Statement {
    const numbers = candidates.slice(0, 100);
    const params: unknown[] = [];
    let party = '0';
    if (sender) {
      const [table, column, value] = addressOf(sender);
      party = `(SELECT COUNT(*) FROM case_contacts cc INNER JOIN ${table} a ON a.contact_id = cc.contact_id WHERE cc.case_id = k.id AND a.${column} = ?)`;
      params.push(value);
    }
    return {
      sql: `SELECT ${selectList(m, CaseEntity, 'k')}, ${party} AS party FROM cases k WHERE k.case_number IN (${placeholders(numbers)})`,
      params: [...params, ...numbers],
    };
  }

  /**
   * The case a message names, from the rows of naming(): the first in the text's order that the
   * sender is a party on, else the first in the text's order (a mention).
   */
  namedFrom(rows: Record<string, unknown>[], candidates: string[], m: EntityManager): NamedCase | null {
    if (!rows.length) return null;
    const found = rows.map((r) => ({ file: fromRow(m, CaseEntity, r), verified: Number(r.party) > 0 }));
    const order = (c: NamedCase) => candidates.indexOf(c.file.caseNumber);
    found.sort((a, b) => order(a) - order(b));
    return found.find((c) => c.verified) ?? found[0];
  }

  /** Whether the contact is a party on the case. */
  async isParty(caseId: number, contactId: number, m?: EntityManager): Promise<boolean> {
    return (await this.manager(m).getRepository(CaseContactEntity).count({ where: { caseId, contactId } })) > 0;
  }

  async insert(row: Omit<CaseFile, 'id'>, m: EntityManager): Promise<CaseFile> {
    return (await m.getRepository(CaseEntity).save(row)) as CaseFile;
  }

  async update(id: number, patch: Partial<Omit<CaseFile, 'id' | 'caseNumber' | 'createdAt' | 'createdBy'>>, m: EntityManager) {
    await m.getRepository(CaseEntity).update({ id }, patch);
  }

  contactsOf(caseId: number, m?: EntityManager): Promise<CaseContact[]> {
    return this.manager(m)
      .getRepository(CaseContactEntity)
      .find({ where: { caseId }, order: { contactId: 'ASC' } });
  }

  async linkContact(link: CaseContact, m: EntityManager) {
    await m.getRepository(CaseContactEntity).save(link);
  }

  async unlinkContacts(caseId: number, contactIds: number[], m: EntityManager) {
    if (contactIds.length) await m.getRepository(CaseContactEntity).delete({ caseId, contactId: In(contactIds) });
  }

  /**
   * Cases of these contacts within the scope, newest first. The screen pop's hot path: it walks
   * case_contacts by (contact_id, case_id) and reads cases by primary key.
   */
  async ofContacts(contactIds: number[], scope: Scope, opts: { openOnly?: boolean; limit?: number } = {}): Promise<CaseSummaryRow[]> {
    if (!contactIds.length) return [];
    const read = summaries({ sql: `FROM case_contacts cc`, where: `cc.contact_id IN (${placeholders(contactIds)})`, params: contactIds }, scope, opts);
    return read ? this.summariesFrom(await this.manager().query(read.sql, read.params)) : [];
  }

  /**
   * The open cases of the contact that owns this number (a value, or SQL that gives it), within the
   * scope, as a statement for a batch (rows for {@link summariesFrom}); null when the scope holds no
   * department. The number's
   * unique index makes its row a constant, so the plan is ofContacts' own.
   */
  openOfPhone(number: string | Statement, scope: Scope, limit: number): Statement | null {
    const n = operand(number);
    return summaries(
      { sql: 'FROM contact_phones p INNER JOIN case_contacts cc ON cc.contact_id = p.contact_id', where: `p.e164 = ${n.sql}`, params: n.params },
      scope,
      {
        openOnly: true,
        limit,
      },
    );
  }

  summariesFrom(rows: CaseSummaryRow[]): CaseSummaryRow[] {
    return rows.map((r) => ({
      ...r,
      id: Number(r.id),
      departmentId: Number(r.departmentId),
      contactId: Number(r.contactId),
      isOpen: Boolean(Number(r.isOpen)),
    }));
  }

  /** Contacts that appear on a case within the scope: how frontline staff get to see a contact. */
  async contactIdsVisibleThroughCases(contactIds: number[], scope: Scope): Promise<Set<number>> {
    if (scope.all) return new Set(contactIds);
    if (!contactIds.length || !scope.departmentIds.length) return new Set();
    const rows = await this.manager()
      .createQueryBuilder()
      .select('DISTINCT cc.contact_id', 'contactId')
      .from('case_contacts', 'cc')
      .innerJoin('cases', 'k', 'k.id = cc.case_id')
      .where('cc.contact_id IN (:...contactIds) AND k.department_id IN (:...deps)', { contactIds, deps: scope.departmentIds })
      .getRawMany<{ contactId: number }>();
    return new Set(rows.map((r) => Number(r.contactId)));
  }

  async createdBy(userId: number, limit: number): Promise<CaseFile[]> {
    return this.manager()
      .getRepository(CaseEntity)
      .find({ where: { createdBy: userId }, order: { id: 'DESC' }, take: limit });
  }
}

/** Plain SQL, as in ContactRepository.byPhone: this runs on every incoming call. */
function summaries(from: { sql: string; where: string; params: unknown[] }, scope: Scope, opts: { openOnly?: boolean; limit?: number }): Statement | null {
  if (!scope.all && !scope.departmentIds.length) return null;
  const params: unknown[] = [...from.params];
  let sql =
    'SELECT k.id AS id, k.case_number AS caseNumber, k.title AS title, k.status AS status, k.is_open AS isOpen, k.department_id AS departmentId, cc.contact_id AS contactId, cc.role AS role' +
    ` ${from.sql} INNER JOIN cases k ON k.id = cc.case_id WHERE ${from.where}`;
  if (opts.openOnly) sql += ' AND k.is_open = 1';
  if (!scope.all) {
    sql += ` AND k.department_id IN (${placeholders(scope.departmentIds)})`;
    params.push(...scope.departmentIds);
  }
  sql += ` ORDER BY k.id DESC LIMIT ${limitOf(opts.limit ?? 100)}`;
  return { sql, params };
}
