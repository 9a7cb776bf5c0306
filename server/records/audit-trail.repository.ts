import type { Database } from '../core/db/database';

/*
 * Reads of the audit trail for the records officer: events filtered by who, whose data, which
 * department's data and when, each resolved to the citizen and department it concerns. The trail
 * names what was read (an inquiry, a message, a journal post, a case, a contact, a number), so the
 * citizen is found through the register's own links. Raw SQL over other features' tables, read
 * only: this repository is the one place that knows how an audit row points into the register.
 */

export interface AuditFilter {
  userId?: number;
  contactId?: number;
  departmentId?: number;
  from?: Date;
  to?: Date;
  /** Only events with an id below this (the page before). */
  beforeId?: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  userId: number | null;
  action: string;
  entityType: string;
  entityId: string;
  route: string;
  ip: string | null;
}

export interface Subject {
  contactId: number | null;
  departmentId: number | null;
}

/** The ids of a register row as the trail stores them: text, so the index on (entity_type, entity_id) is used. */
const asText = (column: string) => `CAST(${column} AS CHAR(20))`;

/** SQL (with its parameters) for "the event concerns this contact". */
function aboutContact(id: number): [string, ...unknown[]] {
  const sql = `(
    (a.entity_type = 'contact' AND a.entity_id = ?)
    OR (a.entity_type = 'inquiry' AND a.entity_id IN (SELECT ${asText('i.id')} FROM inquiries i WHERE i.contact_id = ?))
    OR (a.entity_type = 'message' AND a.entity_id IN (SELECT ${asText('m.id')} FROM messages m JOIN inquiries i ON i.id = m.inquiry_id WHERE i.contact_id = ?))
    OR (a.entity_type = 'journal' AND a.entity_id IN (SELECT ${asText('j.id')} FROM journal_entries j JOIN inquiries i ON i.id = j.inquiry_id WHERE i.contact_id = ?))
    OR (a.entity_type = 'case' AND a.entity_id IN (SELECT k.case_number FROM cases k JOIN case_contacts cc ON cc.case_id = k.id WHERE cc.contact_id = ?))
    OR (a.entity_type = 'alert_subscriber' AND a.entity_id IN (SELECT p.e164 FROM contact_phones p WHERE p.contact_id = ?))
  )`;
  return [sql, String(id), id, id, id, id, id];
}

/** SQL for "the event concerns a row this department owns". */
function aboutDepartment(id: number): [string, ...unknown[]] {
  const sql = `(
    (a.entity_type = 'inquiry' AND a.entity_id IN (SELECT ${asText('i.id')} FROM inquiries i WHERE i.department_id = ?))
    OR (a.entity_type = 'message' AND a.entity_id IN (SELECT ${asText('m.id')} FROM messages m JOIN inquiries i ON i.id = m.inquiry_id WHERE i.department_id = ?))
    OR (a.entity_type = 'journal' AND a.entity_id IN (SELECT ${asText('j.id')} FROM journal_entries j JOIN inquiries i ON i.id = j.inquiry_id WHERE i.department_id = ?))
    OR (a.entity_type = 'case' AND a.entity_id IN (SELECT k.case_number FROM cases k WHERE k.department_id = ?))
  )`;
  return [sql, id, id, id, id];
}

const toRow = (r: Record<string, unknown>): AuditRow => ({
  id: Number(r.id),
  at: r.at instanceof Date ? r.at : new Date(`${String(r.at).replace(' ', 'T')}Z`),
  userId: r.user_id === null ? null : Number(r.user_id),
  action: String(r.action),
  entityType: String(r.entity_type),
  entityId: String(r.entity_id),
  route: String(r.route),
  ip: r.ip === null ? null : String(r.ip),
});

const ids = (xs: Iterable<number>) => [...new Set(xs)].filter((x) => Number.isSafeInteger(x) && x > 0);
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

export class AuditTrailRepository {
  constructor(private readonly deps: { db: Database }) {}

  /** Newest first, `limit` rows. */
  async events(f: AuditFilter, limit: number): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const d = (x: Date) => this.deps.db.param(x);
    const add = (sql: string, ...p: unknown[]) => {
      where.push(sql);
      params.push(...p);
    };
    if (f.userId !== undefined) add('a.user_id = ?', f.userId);
    if (f.from) add('a.at >= ?', d(f.from));
    if (f.to) add('a.at < ?', d(f.to));
    if (f.beforeId !== undefined) add('a.id < ?', f.beforeId);
    if (f.contactId !== undefined) add(...aboutContact(f.contactId));
    if (f.departmentId !== undefined) add(...aboutDepartment(f.departmentId));
    const rows: Record<string, unknown>[] = await this.deps.db.dataSource.query(
      `SELECT a.id, a.at, a.user_id, a.action, a.entity_type, a.entity_id, a.route, a.ip FROM audit_events a
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${Math.floor(limit)}`,
      params,
    );
    return rows.map(toRow);
  }

  /** The citizen and department each event concerns, where the register still holds the link (a purged message has none). */
  async subjects(rows: AuditRow[]): Promise<Map<number, Subject>> {
    const q = (sql: string, p: unknown[]) => (p.length ? (this.deps.db.dataSource.query(sql, p) as Promise<Record<string, unknown>[]>) : Promise.resolve([]));
    const of = (type: string) => rows.filter((r) => r.entityType === type);
    const num = (type: string) => ids(of(type).map((r) => Number(r.entityId)));
    const inquiryIds = num('inquiry');
    const messageIds = num('message');
    const journalIds = num('journal');
    const caseNumbers = [...new Set(of('case').map((r) => r.entityId))];
    const phones = [...new Set(of('alert_subscriber').map((r) => r.entityId))];
    const [inq, msg, jrn, kases, tel] = await Promise.all([
      q(`SELECT id, contact_id, department_id FROM inquiries WHERE id IN (${marks(inquiryIds.length)})`, inquiryIds),
      q(
        `SELECT m.id, i.contact_id, i.department_id FROM messages m JOIN inquiries i ON i.id = m.inquiry_id WHERE m.id IN (${marks(messageIds.length)})`,
        messageIds,
      ),
      q(
        `SELECT j.id, i.contact_id, i.department_id FROM journal_entries j JOIN inquiries i ON i.id = j.inquiry_id WHERE j.id IN (${marks(journalIds.length)})`,
        journalIds,
      ),
      q(
        `SELECT k.case_number AS id, k.department_id, MIN(cc.contact_id) AS contact_id, COUNT(cc.contact_id) AS parties FROM cases k LEFT JOIN case_contacts cc ON cc.case_id = k.id WHERE k.case_number IN (${marks(caseNumbers.length)}) GROUP BY k.case_number, k.department_id`,
        caseNumbers,
      ),
      q(`SELECT e164 AS id, MIN(contact_id) AS contact_id FROM contact_phones WHERE e164 IN (${marks(phones.length)}) GROUP BY e164`, phones),
    ]);
    const key = (r: Record<string, unknown>) => String(r.id);
    const by = (rs: Record<string, unknown>[]) => new Map(rs.map((r) => [key(r), r]));
    const maps: Record<string, Map<string, Record<string, unknown>>> = {
      inquiry: by(inq),
      message: by(msg),
      journal: by(jrn),
      case: by(kases),
      alert_subscriber: by(tel),
    };
    const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const out = new Map<number, Subject>();
    for (const r of rows) {
      if (r.entityType === 'contact') {
        out.set(r.id, { contactId: n(Number(r.entityId) || null), departmentId: null });
        continue;
      }
      const hit = maps[r.entityType]?.get(r.entityId);
      // A case with several parties names none of them alone.
      const contactId = hit && (r.entityType !== 'case' || Number(hit.parties) === 1) ? n(hit.contact_id) : null;
      out.set(r.id, { contactId, departmentId: hit ? n(hit.department_id) : null });
    }
    return out;
  }

  /**
   * Per user, the citizens they read in the period with whom they have no inquiry (none assigned
   * to them, none they wrote in); only users at or above `threshold` such citizens.
   */
  async unusualReaders(from: Date, to: Date, threshold: number): Promise<{ userId: number; citizens: number; reads: number }[]> {
    const d = (x: Date) => this.deps.db.param(x);
    const period = `a.action = 'read' AND a.user_id IS NOT NULL AND a.at >= ? AND a.at < ?`;
    const asId = (column: string) => `CAST(${column} AS SIGNED)`;
    const pairs = `
      SELECT a.user_id, ${asId('a.entity_id')} AS contact_id FROM audit_events a WHERE ${period} AND a.entity_type = 'contact'
      UNION ALL SELECT a.user_id, i.contact_id FROM audit_events a JOIN inquiries i ON i.id = ${asId('a.entity_id')} WHERE ${period} AND a.entity_type = 'inquiry'
      UNION ALL SELECT a.user_id, i.contact_id FROM audit_events a JOIN messages m ON m.id = ${asId('a.entity_id')} JOIN inquiries i ON i.id = m.inquiry_id WHERE ${period} AND a.entity_type = 'message'
      UNION ALL SELECT a.user_id, i.contact_id FROM audit_events a JOIN journal_entries j ON j.id = ${asId('a.entity_id')} JOIN inquiries i ON i.id = j.inquiry_id WHERE ${period} AND a.entity_type = 'journal'`;
    const params = Array.from({ length: 4 }, () => [d(from), d(to)]).flat();
    const rows: Record<string, unknown>[] = await this.deps.db.dataSource.query(
      `SELECT p.user_id, COUNT(DISTINCT p.contact_id) AS citizens, COUNT(*) AS read_count FROM (${pairs}) p
       WHERE p.contact_id IS NOT NULL AND p.contact_id > 0
         AND NOT EXISTS (
           SELECT 1 FROM inquiries i WHERE i.contact_id = p.contact_id
             AND (i.assignee_id = p.user_id OR EXISTS (SELECT 1 FROM messages m WHERE m.inquiry_id = i.id AND m.author_id = p.user_id)))
       GROUP BY p.user_id HAVING COUNT(DISTINCT p.contact_id) >= ? ORDER BY citizens DESC`,
      [...params, threshold],
    );
    return rows.map((r) => ({ userId: Number(r.user_id), citizens: Number(r.citizens), reads: Number(r.read_count) }));
  }

  async users(userIds: number[]): Promise<Map<number, { name: string; email: string }>> {
    const list = ids(userIds);
    if (!list.length) return new Map();
    const rows: Record<string, unknown>[] = await this.deps.db.dataSource.query(`SELECT id, name, email FROM users WHERE id IN (${marks(list.length)})`, list);
    return new Map(rows.map((r) => [Number(r.id), { name: String(r.name), email: String(r.email) }]));
  }

  async contacts(contactIds: number[]): Promise<Map<number, string | null>> {
    const list = ids(contactIds);
    if (!list.length) return new Map();
    const rows: Record<string, unknown>[] = await this.deps.db.dataSource.query(`SELECT id, name FROM contacts WHERE id IN (${marks(list.length)})`, list);
    return new Map(rows.map((r) => [Number(r.id), r.name === null ? null : String(r.name)]));
  }
}
