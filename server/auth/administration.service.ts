import type { CountryCode } from 'libphonenumber-js';
import { type Database, isUniqueViolation } from '../core/db/database';
import type { Role } from '../contracts/names';
import type { User } from './entities';
import type { AuditRepository } from '../core/audit.repository';
import type { UserRepository } from './users.repository';
import { assertAdmin, type Actor } from '../core/access';
import { badRequest, conflict } from '../core/errors';
import { hashPassword } from './passwords';
import { toE164 } from '../core/phone';

export interface StaffAdministrationDeps {
  db: Database;
  /** The register's departments, to turn the codes in a request into ids. */
  departments: { byCode(code: string): Promise<{ id: number } | null> };
  users: UserRepository;
  audit: AuditRepository;
  passwordCost?: number;
  defaultCountry: CountryCode;
}

/** Staff accounts, managed by administrators. */
export class StaffAdministration {
  constructor(private readonly deps: StaffAdministrationDeps) {}

  async createUser(
    actor: Actor,
    input: { email: string; name: string; password: string; role: Role; departments: string[]; phone?: string | null; sip?: string | null; locale?: string },
    route: string,
  ): Promise<User> {
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
