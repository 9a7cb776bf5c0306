import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { inScope, type Actor } from '../core/access';
import { AppError, badRequest, forbidden, notFound } from '../core/errors';
import { toE164 } from '../core/phone';
import { localDate } from '../core/local-time';
import type { DepartmentRepository } from '../register/module';
import type { RosterPerson } from './entities';
import type { PersonBody } from './schemas';
import type { PersonView, RosterPeopleRepository } from './people.repository';
import { assertMayPush, pushScope, readScope } from './access';

export interface RosterPeopleDeps {
  db: Database;
  people: RosterPeopleRepository;
  departments: DepartmentRepository;
  audit: AuditRepository;
  clock: () => Date;
  defaultCountry: CountryCode;
  timeZone: string;
}

/** A push made ready to store: the unit resolved, numbers in E.164, groups and guardians each once. */
export interface NormalPerson {
  departmentId: number;
  name: string;
  phone: string;
  kind: RosterPerson['kind'];
  language: string | null;
  startDate: string | null;
  endDate: string | null;
  groups: string[];
  guardians: { name: string; phone: string }[];
  fingerprint: string;
}

type Issue = { path: (string | number)[]; message: string };

/**
 * The roster's people: pushed one at a time by the administrative system (idempotent), removed,
 * and listed for staff within their units.
 */
export class RosterPeopleService {
  constructor(private readonly deps: RosterPeopleDeps) {}

  today(): string {
    return localDate(this.deps.clock(), this.deps.timeZone);
  }

  /** Checks and normalises a push; `issues` names what is wrong (nothing is thrown, so an import can list every row). */
  normalise(body: PersonBody, unit: { id: number } | null, path: (string | number)[] = []): { person: NormalPerson | null; issues: Issue[] } {
    const issues: Issue[] = [];
    if (!unit) issues.push({ path: [...path, 'unit'], message: `no such unit: ${body.unit}` });
    const phone = toE164(body.phone, this.deps.defaultCountry);
    if (!phone) issues.push({ path: [...path, 'phone'], message: 'not a valid phone number' });
    const guardians: { name: string; phone: string }[] = [];
    (body.guardians ?? []).forEach((g, i) => {
      const p = toE164(g.phone, this.deps.defaultCountry);
      if (!p) issues.push({ path: [...path, 'guardians', i, 'phone'], message: 'not a valid phone number' });
      else if (!guardians.some((x) => x.phone === p)) guardians.push({ name: g.name, phone: p });
    });
    if (issues.length || !unit || !phone) return { person: null, issues };
    const groups = [...new Set(body.groups ?? [])].sort();
    const person = {
      departmentId: unit.id,
      name: body.name,
      phone,
      kind: body.kind,
      language: body.language ?? null,
      startDate: body.startDate ?? null,
      endDate: body.endDate ?? null,
      groups,
      guardians,
    };
    const fingerprint = createHash('sha256').update(JSON.stringify(person)).digest('hex');
    return { person: { ...person, fingerprint }, issues };
  }

  private async unitFor(actor: Actor, code: string): Promise<{ id: number; code: string } | null> {
    const unit = await this.deps.departments.byCode(code);
    if (unit && !inScope(pushScope(actor), unit.id)) throw forbidden('This unit is not one of yours');
    return unit;
  }

  /** PUT /api/roster/people/:externalId: 201 created, 200 updated (or unchanged: the same body twice writes nothing). */
  async put(actor: Actor, externalId: string, body: PersonBody, route: string): Promise<{ created: boolean; changed: boolean; person: PersonView }> {
    assertMayPush(actor);
    const unit = await this.unitFor(actor, body.unit);
    const { person, issues } = this.normalise(body, unit);
    if (!person) throw badRequest(issues[0].message, issues);
    const r = await this.deps.db.transaction(async (m) => {
      const existing = await this.deps.people.byExternalId(externalId, m);
      if (existing && !inScope(pushScope(actor), existing.departmentId)) throw forbidden('This person belongs to a unit that is not yours');
      const outcome = await this.store(existing, externalId, person, m);
      if (outcome.changed)
        await this.deps.audit.record(
          [{ userId: actor.id, action: outcome.created ? 'create' : 'update', entityType: 'roster_person', entityId: externalId, route }],
          m,
        );
      return { ...outcome, view: (await this.deps.people.views([outcome.id], this.today(), m))[0] };
    });
    return { created: r.created, changed: r.changed, person: r.view };
  }

  /** Writes one normalised person (inside the caller's transaction); nothing when it is the same as stored. */
  async store(
    existing: RosterPerson | null,
    externalId: string,
    p: NormalPerson,
    m: Parameters<Parameters<Database['transaction']>[0]>[0],
  ): Promise<{ id: number; created: boolean; changed: boolean }> {
    const now = this.deps.clock();
    const fields = {
      departmentId: p.departmentId,
      name: p.name,
      phone: p.phone,
      kind: p.kind,
      language: p.language,
      startDate: p.startDate,
      endDate: p.endDate,
      fingerprint: p.fingerprint,
    };
    if (!existing) {
      const id = await this.deps.people.insert({ externalId, ...fields, removedAt: null, createdAt: now, updatedAt: now }, m);
      await this.deps.people.replaceParts(id, p.groups, p.guardians, m);
      return { id, created: true, changed: true };
    }
    if (existing.fingerprint === p.fingerprint && existing.removedAt === null) return { id: existing.id, created: false, changed: false };
    await this.deps.people.update(existing.id, { ...fields, removedAt: null, updatedAt: now }, m);
    await this.deps.people.replaceParts(existing.id, p.groups, p.guardians, m);
    return { id: existing.id, created: false, changed: true };
  }

  /** DELETE: the person receives nothing from now on, queued messages included (checked again at sending). */
  async remove(actor: Actor, externalId: string, route: string): Promise<void> {
    assertMayPush(actor);
    await this.deps.db.transaction(async (m) => {
      const existing = await this.deps.people.byExternalId(externalId, m);
      if (!existing || existing.removedAt) throw notFound('Person');
      if (!inScope(pushScope(actor), existing.departmentId)) throw forbidden('This person belongs to a unit that is not yours');
      await this.deps.people.update(existing.id, { removedAt: this.deps.clock(), updatedAt: this.deps.clock() }, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'delete', entityType: 'roster_person', entityId: externalId, route }], m);
    });
  }

  async get(actor: Actor, externalId: string): Promise<PersonView> {
    const p = await this.deps.people.byExternalId(externalId);
    if (!p || p.removedAt || !inScope(readScope(actor), p.departmentId)) throw notFound('Person');
    return (await this.deps.people.views([p.id], this.today()))[0];
  }

  async list(
    actor: Actor,
    f: { unit?: string; group?: string; kind?: RosterPerson['kind']; q?: string; ended?: boolean; cursor?: number; limit?: number },
  ): Promise<{ items: PersonView[]; nextCursor: string | null }> {
    const scope = readScope(actor);
    const departmentId = f.unit ? await this.unitIdIn(scope, f.unit) : undefined;
    const page = await this.deps.people.list(scope, { ...f, departmentId, today: this.today(), limit: f.limit ?? 100 });
    return { items: await this.deps.people.views(page.ids, this.today()), nextCursor: page.next === null ? null : String(page.next) };
  }

  async groups(actor: Actor, unit?: string) {
    const scope = readScope(actor);
    const departmentId = unit ? await this.unitIdIn(scope, unit) : undefined;
    return { items: await this.deps.people.groups(scope, departmentId, this.today()) };
  }

  private async unitIdIn(scope: ReturnType<typeof readScope>, code: string): Promise<number> {
    const unit = await this.deps.departments.byCode(code);
    if (!unit) throw new AppError(400, 'bad_request', `No such unit: ${code}`, [{ path: ['unit'], message: 'no such unit' }]);
    if (!inScope(scope, unit.id)) throw forbidden('This unit is not one of yours');
    return unit.id;
  }
}
