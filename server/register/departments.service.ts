import { type Database, isUniqueViolation } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertAdmin, type Actor } from '../core/access';
import { conflict } from '../core/errors';
import type { DepartmentView } from '../contracts/views';
import type { Department, OpeningHours } from './departments.entities';
import { SWITCHBOARD, type DepartmentRepository } from './departments.repository';

const view = (d: Department): DepartmentView => ({
  id: d.id,
  code: d.code,
  name: d.name,
  menuDigit: d.menuDigit,
  email: d.email,
  openingHours: d.openingHours,
});

/** The municipality's departments: listed for everyone signed in, created by administrators. */
export class DepartmentService {
  constructor(private readonly deps: { db: Database; departments: DepartmentRepository; audit: AuditRepository }) {}

  async list(): Promise<DepartmentView[]> {
    return (await this.deps.departments.list()).map(view);
  }

  async create(
    actor: Actor,
    input: { code: string; name: string; menuDigit?: number | null; email?: string | null; openingHours?: OpeningHours | null },
    route: string,
  ): Promise<DepartmentView> {
    assertAdmin(actor);
    const { db, departments, audit } = this.deps;
    if (await departments.byCode(input.code)) throw conflict('department_exists', `Department "${input.code}" already exists`);
    if (input.menuDigit != null && (await departments.byMenuDigit(input.menuDigit))) {
      throw conflict('menu_digit_taken', `Menu digit ${input.menuDigit} already belongs to another department`);
    }
    try {
      return view(
        await db.transaction(async (m) => {
          const dep = await departments.create(input, m);
          if (input.email) await departments.addAddress({ departmentId: dep.id, channel: 'email', address: input.email.toLowerCase(), isDefault: true }, m);
          await audit.record([{ userId: actor.id, action: 'create', entityType: 'department', entityId: dep.id, route }], m);
          return dep;
        }),
      );
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('department_exists', 'A department with this code, menu digit or address already exists');
      throw e;
    }
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
