import { type Database, isUniqueViolation } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertAdmin, type Actor } from '../core/access';
import { conflict, notFound } from '../core/errors';
import type { DepartmentView } from '../contracts/views';
import type { Department, DepartmentAddress, OpeningHours } from './departments.entities';
import { SWITCHBOARD, type DepartmentRepository } from './departments.repository';

const view = (d: Department, addresses: DepartmentAddress[]): DepartmentView => ({
  id: d.id,
  code: d.code,
  name: d.name,
  menuDigit: d.menuDigit,
  email: d.email,
  openingHours: d.openingHours,
  // The default number first: it is the one a send goes out from unless the officer picks another.
  smsNumbers: addresses
    .filter((a) => a.departmentId === d.id && a.channel === 'sms')
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.id - b.id)
    .map((a) => a.address),
});

export interface DepartmentInput {
  name: string;
  menuDigit?: number | null;
  email?: string | null;
  openingHours?: OpeningHours | null;
  smsNumbers?: string[];
}

/** The municipality's departments: listed for everyone signed in, created and changed by administrators. */
export class DepartmentService {
  constructor(private readonly deps: { db: Database; departments: DepartmentRepository; audit: AuditRepository }) {}

  async list(): Promise<DepartmentView[]> {
    const addresses = await this.deps.departments.addresses();
    return (await this.deps.departments.list()).map((d) => view(d, addresses));
  }

  private async shown(id: number): Promise<DepartmentView> {
    return (await this.list()).find((d) => d.id === id)!;
  }

  private async assertDigitFree(digit: number | null | undefined, self?: number) {
    const holder = digit != null ? await this.deps.departments.byMenuDigit(digit) : null;
    if (holder && holder.id !== self) throw conflict('menu_digit_taken', `Menu digit ${digit} already belongs to ${holder.name}`);
  }

  /** One write for a department and its addresses; a number or mailbox another department owns is a 409, and nothing changes. */
  private async write<T>(fn: Parameters<Database['transaction']>[0]): Promise<T> {
    try {
      return (await this.deps.db.transaction(fn)) as T;
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('address_taken', 'Another department already owns one of these numbers or this address');
      throw e;
    } finally {
      this.deps.departments.invalidate();
    }
  }

  async create(actor: Actor, input: DepartmentInput & { code: string }, route: string): Promise<DepartmentView> {
    assertAdmin(actor);
    const { departments, audit } = this.deps;
    if (await departments.byCode(input.code)) throw conflict('department_exists', `Department "${input.code}" already exists`);
    await this.assertDigitFree(input.menuDigit);
    const dep = await this.write<Department>(async (m) => {
      if (await departments.codeExists(input.code, m)) throw conflict('department_exists', `Department "${input.code}" already exists`);
      const created = await departments.create(input, m);
      if (input.email) await departments.addAddress({ departmentId: created.id, channel: 'email', address: input.email.toLowerCase(), isDefault: true }, m);
      if (input.smsNumbers?.length) await departments.replaceAddresses(created.id, 'sms', input.smsNumbers, m);
      await audit.record([{ userId: actor.id, action: 'create', entityType: 'department', entityId: created.id, route }], m);
      return created;
    });
    return this.shown(dep.id);
  }

  /** Name, menu digit, opening hours and holidays, the mailbox, the SMS numbers: what is given is set, the rest stays. */
  async update(actor: Actor, code: string, patch: Partial<DepartmentInput>, route: string): Promise<DepartmentView> {
    assertAdmin(actor);
    const { departments, audit } = this.deps;
    const dep = await departments.byCode(code);
    if (!dep) throw notFound('Department');
    if (patch.menuDigit !== undefined) await this.assertDigitFree(patch.menuDigit, dep.id);
    if (code === SWITCHBOARD && patch.menuDigit != null) throw conflict('switchboard_digit', 'The switchboard is reached with 0, not a menu digit');
    const { smsNumbers, email, ...fields } = patch;
    await this.write(async (m) => {
      await departments.update(dep.id, { ...fields, ...(email !== undefined ? { email: email?.toLowerCase() ?? null } : {}) }, m);
      if (email !== undefined) await departments.replaceAddresses(dep.id, 'email', email ? [email.toLowerCase()] : [], m);
      if (smsNumbers) await departments.replaceAddresses(dep.id, 'sms', smsNumbers, m);
      await audit.record([{ userId: actor.id, action: 'update', entityType: 'department', entityId: dep.id, route }], m);
    });
    return this.shown(dep.id);
  }

  /** The switchboard takes whatever no department owns; it exists from the first start. */
  async ensureSwitchboard(): Promise<void> {
    const { db, departments } = this.deps;
    if (await departments.byCode(SWITCHBOARD)) return;
    await db.transaction(async (m) => {
      if (await departments.codeExists(SWITCHBOARD, m)) return;
      await departments.create({ code: SWITCHBOARD, name: 'Sentralbord', menuDigit: null }, m);
    });
    departments.invalidate();
  }
}
