import type { CountryCode } from 'libphonenumber-js';
import { type Database, isUniqueViolation } from '../core/db/database';
import type { DepartmentRepository } from '../register/module';
import type { SmsGroupRepository } from './groups.repository';
import { actsIn, actsInEveryDepartment, assertMay, type Actor } from '../core/access';
import { badRequest, conflict, forbidden, notFound } from '../core/errors';
import { toE164 } from '../core/phone';
import type { Recipient } from './outbound.service';

/** Saved recipient groups: made once by an officer, sent to by anyone in the owning department. */
export class SmsGroupService {
  constructor(
    private readonly deps: { db: Database; groups: SmsGroupRepository; departments: DepartmentRepository; defaultCountry: CountryCode; clock: () => Date },
  ) {}

  async create(actor: Actor, input: { name: string; department?: string; members: Recipient[] }) {
    assertMay(actor, 'manageSmsGroups', 'Your role may not manage SMS groups');
    const department = input.department ? await this.deps.departments.byCode(input.department) : await this.deps.departments.byId(actor.departmentIds[0] ?? -1);
    if (!department) throw badRequest('Name the department that owns the group', [{ path: ['department'], message: 'unknown department' }]);
    if (!actsIn(actor, department.id)) throw forbidden('You are not a member of this department');
    const members = new Map<string, { phone: string; name: string | null }>();
    const bad: number[] = [];
    input.members.forEach((r, i) => {
      const phone = toE164(r.phone, this.deps.defaultCountry);
      if (!phone) bad.push(i);
      else if (!members.has(phone)) members.set(phone, { phone, name: r.name?.trim() || null });
    });
    if (bad.length)
      throw badRequest(
        'Some members are not valid phone numbers',
        bad.slice(0, 20).map((i) => ({ path: ['members', i], message: 'not a valid phone number' })),
      );
    try {
      const group = await this.deps.db.transaction((m) =>
        this.deps.groups.create({ name: input.name, departmentId: department.id, createdBy: actor.id, createdAt: this.deps.clock() }, [...members.values()], m),
      );
      return { id: group.id, name: group.name, department: department.code, members: members.size };
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('group_exists', 'The department already has a group with this name');
      throw e;
    }
  }

  async list(actor: Actor) {
    assertMay(actor, 'manageSmsGroups', 'Your role may not use SMS groups');
    const [groups, departments] = await Promise.all([
      this.deps.groups.list(actsInEveryDepartment(actor) ? null : actor.departmentIds),
      this.deps.departments.list(),
    ]);
    return groups.map((g) => ({ id: g.id, name: g.name, department: departments.find((x) => x.id === g.departmentId)?.code ?? '', members: g.members }));
  }

  /** The group's members as recipients, if the actor may send to it (else 404, as if it did not exist). */
  async recipients(actor: Actor, groupId: number): Promise<Recipient[]> {
    const group = await this.deps.groups.byId(groupId);
    if (!group || !actsIn(actor, group.departmentId)) throw notFound('SMS group');
    return (await this.deps.groups.members(groupId)).map((x) => ({ phone: x.phone, name: x.name }));
  }
}
