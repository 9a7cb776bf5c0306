import type { CountryCode } from 'libphonenumber-js';
import type { Database } from '../core/db/database';
import { isUniqueViolation } from '../core/db/database';
import type { Role } from '../contracts/names';
import type { User } from './entities';
import type { Department, OpeningHours } from '../register/departments.entities';
import type { AuditRepository } from '../core/audit.repository';
import type { DepartmentRepository } from '../register/departments.repository';
import type { UserRepository } from './users.repository';
import { assertAdmin, type Actor } from '../core/access';
import { badRequest, conflict } from '../core/errors';
import { hashPassword } from './passwords';
import { toE164 } from '../core/phone';

export interface AdminDeps {
  db: Database;
  departments: DepartmentRepository;
  users: UserRepository;
  audit: AuditRepository;
  passwordCost?: number;
  defaultCountry: CountryCode;
}

/** Departments and staff accounts, managed by administrators. */
export class AdminService {
  constructor(private readonly deps: AdminDeps) {}

  async createDepartment(actor: Actor, input: { code: string; name: string; menuDigit?: number | null; email?: string | null; openingHours?: OpeningHours | null }, route: string): Promise<Department> {
    assertAdmin(actor);
    if (await this.deps.departments.byCode(input.code)) throw conflict('department_exists', `Department "${input.code}" already exists`);
    if (input.menuDigit != null && (await this.deps.departments.byMenuDigit(input.menuDigit))) {
      throw conflict('menu_digit_taken', `Menu digit ${input.menuDigit} already belongs to another department`);
    }
    try {
      return await this.deps.db.transaction(async (m) => {
        const dep = await this.deps.departments.create(input, m);
        if (input.email) await this.deps.departments.addAddress({ departmentId: dep.id, channel: 'email', address: input.email.toLowerCase(), isDefault: true }, m);
        await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'department', entityId: dep.id, route }], m);
        return dep;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('department_exists', 'A department with this code, menu digit or address already exists');
      throw e;
    }
  }

  async createUser(actor: Actor, input: { email: string; name: string; password: string; role: Role; departments: string[]; phone?: string | null; sip?: string | null; locale?: string }, route: string): Promise<User> {
    assertAdmin(actor);
    const departmentIds: number[] = [];
    for (const [i, code] of input.departments.entries()) {
      const dep = await this.deps.departments.byCode(code);
      if (!dep) throw badRequest(`Unknown department "${code}"`, [{ path: ['departments', i], message: 'unknown department' }]);
      departmentIds.push(dep.id);
    }
    // Calls are forwarded to this number, so it is stored in E.164 like every other number.
    const phone = input.phone ? toE164(input.phone, this.deps.defaultCountry) : null;
    if (input.phone && !phone) throw badRequest('phone is not a valid phone number', [{ path: ['phone'], message: 'not a valid phone number' }]);
    if (await this.deps.users.byEmail(input.email)) throw conflict('user_exists', `A user with e-mail ${input.email} already exists`);
    const passwordHash = await hashPassword(input.password, this.deps.passwordCost);
    try {
      return await this.deps.db.transaction(async (m) => {
        const user = await this.deps.users.create({ ...input, phone, passwordHash, departmentIds: [...new Set(departmentIds)] }, m);
        await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'user', entityId: user.id, route }], m);
        return user;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('user_exists', `A user with e-mail ${input.email} already exists`);
      throw e;
    }
  }
}
