import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { insertRow } from '../core/db/entity-sql';
import type { Scope } from '../core/access';
import { RosterGroupEntity, RosterGuardianEntity, RosterPersonEntity, type PersonKind, type RosterPerson } from './entities';

/*
 * The roster's people, groups and guardians. The only code that speaks SQL about them. A removed
 * person is kept (removed_at) with their groups and guardians, so their numbers stay known: a
 * message already queued to one of them is stopped at sending, not taken for a number named by hand.
 */

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export interface PersonView {
  externalId: string;
  name: string;
  phone: string;
  kind: PersonKind;
  unit: string;
  groups: string[];
  startDate: string | null;
  endDate: string | null;
  language: string | null;
  guardians: { name: string; phone: string }[];
  ended: boolean;
}

/** Who an audience picks, as SQL over `roster_people p`: the unit(s), the choice, and only current people. */
export interface Selection {
  departmentIds: number[] | null;
  people?: string[];
  groups?: string[];
  kinds?: PersonKind[];
  everyone?: boolean;
  /** YYYY-MM-DD: people whose end date is before it, or whose start date is after it, are not current. */
  today: string;
}

export interface ReachedRow {
  personId: number;
  name: string;
  phone: string;
  group: string | null;
}

export class RosterPeopleRepository {
  constructor(private readonly deps: { db: Database }) {}

  private q<T>(sql: string, params: unknown[], m?: EntityManager): Promise<T[]> {
    return (m ?? this.deps.db.dataSource.manager).query(sql, params) as Promise<T[]>;
  }

  byExternalId(externalId: string, m?: EntityManager): Promise<RosterPerson | null> {
    return (m ?? this.deps.db.dataSource.manager).getRepository(RosterPersonEntity).findOne({ where: { externalId } });
  }

  async insert(row: Omit<RosterPerson, 'id'>, m: EntityManager): Promise<number> {
    return insertRow(this.deps.db, m, RosterPersonEntity, row);
  }

  async update(id: number, patch: Partial<RosterPerson>, m: EntityManager): Promise<void> {
    await m.getRepository(RosterPersonEntity).update({ id }, patch);
  }

  /** Replaces a person's groups and guardians with the ones given. */
  async replaceParts(personId: number, groups: string[], guardians: { name: string; phone: string }[], m: EntityManager): Promise<void> {
    await m.getRepository(RosterGroupEntity).delete({ personId });
    await m.getRepository(RosterGuardianEntity).delete({ personId });
    if (groups.length) await m.getRepository(RosterGroupEntity).insert(groups.map((name) => ({ personId, name })));
    if (guardians.length) await m.getRepository(RosterGuardianEntity).insert(guardians.map((g) => ({ personId, ...g })));
  }

  /** Every person of the units (removed ones too), for an import to compare against. */
  async ofUnits(departmentIds: number[]): Promise<RosterPerson[]> {
    if (!departmentIds.length) return [];
    return this.deps.db.dataSource.manager
      .getRepository(RosterPersonEntity)
      .createQueryBuilder('p')
      .where('p.department_id IN (:...ids)', { ids: departmentIds })
      .getMany();
  }

  /** The people as shown to staff, newest id last; `cursor` is the last id seen. */
  async list(
    scope: Scope,
    f: { departmentId?: number; group?: string; kind?: PersonKind; q?: string; ended?: boolean; today: string; cursor?: number; limit: number },
  ): Promise<{ ids: number[]; next: number | null }> {
    const where: string[] = ['p.removed_at IS NULL'];
    const params: unknown[] = [];
    if (!scope.all) {
      if (!scope.departmentIds.length) return { ids: [], next: null };
      where.push(`p.department_id IN (${marks(scope.departmentIds.length)})`);
      params.push(...scope.departmentIds);
    }
    if (f.departmentId !== undefined) {
      where.push('p.department_id = ?');
      params.push(f.departmentId);
    }
    if (f.kind) {
      where.push('p.kind = ?');
      params.push(f.kind);
    }
    if (f.group) {
      where.push('EXISTS (SELECT 1 FROM roster_groups g WHERE g.person_id = p.id AND g.name = ?)');
      params.push(f.group);
    }
    if (f.q) {
      // A prefix of the name or the external id, or digits of the number: LIKE with its wildcards escaped.
      // '!' escapes: a backslash means different things in the two engines' string literals.
      const like = `%${f.q.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      where.push("(p.name LIKE ? ESCAPE '!' OR p.external_id LIKE ? ESCAPE '!' OR p.phone LIKE ? ESCAPE '!')");
      params.push(like, like, like);
    }
    if (f.ended === true) {
      where.push('p.end_date IS NOT NULL AND p.end_date < ?');
      params.push(f.today);
    }
    if (f.ended === false) {
      where.push('(p.end_date IS NULL OR p.end_date >= ?)');
      params.push(f.today);
    }
    if (f.cursor) {
      where.push('p.id > ?');
      params.push(f.cursor);
    }
    const rows = await this.q<{ id: number | string }>(
      `SELECT p.id AS id FROM roster_people p WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT ${f.limit + 1}`,
      params,
    );
    const ids = rows.map((r) => Number(r.id));
    return ids.length > f.limit ? { ids: ids.slice(0, f.limit), next: ids[f.limit - 1] } : { ids, next: null };
  }

  /** People by id with their unit code, groups and guardians, in the order asked. */
  async views(ids: number[], today: string, m?: EntityManager): Promise<PersonView[]> {
    if (!ids.length) return [];
    const people = await this.q<Record<string, unknown>>(
      `SELECT p.id AS id, p.external_id AS externalId, p.name AS name, p.phone AS phone, p.kind AS kind, d.code AS unit, p.start_date AS startDate, p.end_date AS endDate, p.language AS language FROM roster_people p JOIN departments d ON d.id = p.department_id WHERE p.id IN (${marks(ids.length)})`,
      ids,
      m,
    );
    const groups = await this.q<{ pid: number | string; name: string }>(
      `SELECT person_id AS pid, name FROM roster_groups WHERE person_id IN (${marks(ids.length)}) ORDER BY name`,
      ids,
      m,
    );
    const guardians = await this.q<{ pid: number | string; name: string; phone: string }>(
      `SELECT person_id AS pid, name, phone FROM roster_guardians WHERE person_id IN (${marks(ids.length)}) ORDER BY id`,
      ids,
      m,
    );
    const byId = new Map(people.map((p) => [Number(p.id), p]));
    return ids
      .map((id) => byId.get(id))
      .filter((p): p is Record<string, unknown> => Boolean(p))
      .map((p) => {
        const id = Number(p.id);
        const endDate = (p.endDate as string | null) ?? null;
        return {
          externalId: String(p.externalId),
          name: String(p.name),
          phone: String(p.phone),
          kind: p.kind as PersonKind,
          unit: String(p.unit),
          groups: groups.filter((g) => Number(g.pid) === id).map((g) => g.name),
          startDate: (p.startDate as string | null) ?? null,
          endDate,
          language: (p.language as string | null) ?? null,
          guardians: guardians.filter((g) => Number(g.pid) === id).map((g) => ({ name: g.name, phone: g.phone })),
          ended: endDate !== null && endDate < today,
        };
      });
  }

  /** The groups of the units, with how many current people each has. */
  async groups(scope: Scope, departmentId: number | undefined, today: string): Promise<{ name: string; unit: string; people: number }[]> {
    const where = ['p.removed_at IS NULL', '(p.end_date IS NULL OR p.end_date >= ?)'];
    const params: unknown[] = [today];
    if (!scope.all) {
      if (!scope.departmentIds.length) return [];
      where.push(`p.department_id IN (${marks(scope.departmentIds.length)})`);
      params.push(...scope.departmentIds);
    }
    if (departmentId !== undefined) {
      where.push('p.department_id = ?');
      params.push(departmentId);
    }
    const rows = await this.q<{ name: string; unit: string; n: number | string }>(
      `SELECT g.name AS name, d.code AS unit, COUNT(*) AS n FROM roster_groups g JOIN roster_people p ON p.id = g.person_id JOIN departments d ON d.id = p.department_id WHERE ${where.join(' AND ')} GROUP BY g.name, d.code ORDER BY d.code, g.name`,
      params,
    );
    return rows.map((r) => ({ name: r.name, unit: r.unit, people: Number(r.n) }));
  }

  /** The SQL that picks current people of a selection from `roster_people p`, optionally only these numbers. */
  private picked(s: Selection, phones?: string[]): { where: string; params: unknown[] } {
    const where = ['p.removed_at IS NULL', '(p.end_date IS NULL OR p.end_date >= ?)', '(p.start_date IS NULL OR p.start_date <= ?)'];
    const params: unknown[] = [s.today, s.today];
    if (s.departmentIds) {
      if (!s.departmentIds.length) return { where: '1 = 0', params: [] };
      where.push(`p.department_id IN (${marks(s.departmentIds.length)})`);
      params.push(...s.departmentIds);
    }
    if (!s.everyone && (s.people?.length || s.groups?.length)) {
      const named: string[] = [];
      if (s.people?.length) {
        named.push(`p.external_id IN (${marks(s.people.length)})`);
        params.push(...s.people);
      }
      if (s.groups?.length) {
        named.push(`EXISTS (SELECT 1 FROM roster_groups g WHERE g.person_id = p.id AND g.name IN (${marks(s.groups.length)}))`);
        params.push(...s.groups);
      }
      where.push(`(${named.join(' OR ')})`);
    }
    if (!s.everyone && s.kinds?.length) {
      where.push(`p.kind IN (${marks(s.kinds.length)})`);
      params.push(...s.kinds);
    }
    if (phones) {
      where.push(`p.phone IN (${marks(phones.length)})`);
      params.push(...phones);
    }
    return { where: where.join(' AND '), params };
  }

  /** The current people a selection picks, each with the group their {{group}} names. */
  async people(s: Selection, phones?: string[]): Promise<ReachedRow[]> {
    const { where, params } = this.picked(s, phones);
    const named = !s.everyone && s.groups?.length ? s.groups : null;
    const groupSql = `(SELECT MIN(g.name) FROM roster_groups g WHERE g.person_id = p.id${named ? ` AND g.name IN (${marks(named.length)})` : ''})`;
    const rows = await this.q<{ id: number | string; name: string; phone: string; grp: string | null }>(
      `SELECT p.id AS id, p.name AS name, p.phone AS phone, ${groupSql} AS grp FROM roster_people p WHERE ${where} ORDER BY p.id`,
      [...(named ?? []), ...params],
    );
    return rows.map((r) => ({ personId: Number(r.id), name: r.name, phone: r.phone, group: r.grp ?? null }));
  }

  /** The guardians of the current people a selection picks (each with their pupil's group). */
  async guardians(s: Selection, phones?: string[]): Promise<ReachedRow[]> {
    const { where, params } = this.picked(s);
    const named = !s.everyone && s.groups?.length ? s.groups : null;
    const groupSql = `(SELECT MIN(g.name) FROM roster_groups g WHERE g.person_id = p.id${named ? ` AND g.name IN (${marks(named.length)})` : ''})`;
    const only = phones ? ` AND gu.phone IN (${marks(phones.length)})` : '';
    const rows = await this.q<{ id: number | string; name: string; phone: string; grp: string | null }>(
      `SELECT p.id AS id, gu.name AS name, gu.phone AS phone, ${groupSql} AS grp FROM roster_people p JOIN roster_guardians gu ON gu.person_id = p.id WHERE ${where}${only} ORDER BY p.id, gu.id`,
      [...(named ?? []), ...params, ...(phones ?? [])],
    );
    return rows.map((r) => ({ personId: Number(r.id), name: r.name, phone: r.phone, group: r.grp ?? null }));
  }

  /** Which of these external ids name a person (not removed) of the units (null: any unit). */
  async existing(externalIds: string[], departmentIds: number[] | null): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < externalIds.length; i += 500) {
      const part = externalIds.slice(i, i + 500);
      const unit = departmentIds ? ` AND department_id IN (${marks(departmentIds.length || 1)})` : '';
      const rows = await this.q<{ id: string }>(
        `SELECT external_id AS id FROM roster_people WHERE removed_at IS NULL AND external_id IN (${marks(part.length)})${unit}`,
        [...part, ...(departmentIds ? (departmentIds.length ? departmentIds : [0]) : [])],
      );
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  /** Which of these numbers the roster knows at all: a person's or a guardian's, current or not, removed or not. */
  async known(phones: string[]): Promise<Set<string>> {
    if (!phones.length) return new Set();
    const rows = await this.q<{ phone: string }>(
      `SELECT phone FROM roster_people WHERE phone IN (${marks(phones.length)}) UNION SELECT phone FROM roster_guardians WHERE phone IN (${marks(phones.length)})`,
      [...phones, ...phones],
    );
    return new Set(rows.map((r) => r.phone));
  }

  /** The current person of a unit with this number (the oldest when several share it). */
  async currentByPhone(departmentId: number, phone: string, today: string): Promise<RosterPerson | null> {
    const rows = await this.q<{ id: number | string }>(
      'SELECT p.id AS id FROM roster_people p WHERE p.department_id = ? AND p.phone = ? AND p.removed_at IS NULL AND (p.end_date IS NULL OR p.end_date >= ?) AND (p.start_date IS NULL OR p.start_date <= ?) ORDER BY p.id LIMIT 1',
      [departmentId, phone, today, today],
    );
    if (!rows.length) return null;
    return this.deps.db.dataSource.manager.getRepository(RosterPersonEntity).findOne({ where: { id: Number(rows[0].id) } });
  }

  /** Names of the people and guardians behind numbers (for the list of those who have not answered). */
  async namesOf(phones: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < phones.length; i += 500) {
      const part = phones.slice(i, i + 500);
      const rows = await this.q<{ phone: string; name: string }>(
        `SELECT phone, name FROM roster_people WHERE phone IN (${marks(part.length)}) UNION ALL SELECT phone, name FROM roster_guardians WHERE phone IN (${marks(part.length)})`,
        [...part, ...part],
      );
      for (const r of rows) if (!out.has(r.phone)) out.set(r.phone, r.name);
    }
    return out;
  }
}
