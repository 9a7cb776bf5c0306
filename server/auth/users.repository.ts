import { In, type EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import type { Statement } from '../core/db/transactions';
import { type Role } from '../contracts/names';
import { UserDepartmentEntity, UserEntity, type User } from './entities';

export class UserRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private manager(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  byEmail(email: string, m?: EntityManager): Promise<User | null> {
    return this.manager(m)
      .getRepository(UserEntity)
      .findOne({ where: { email: email.toLowerCase() } });
  }

  byId(id: number, m?: EntityManager): Promise<User | null> {
    return this.manager(m).getRepository(UserEntity).findOne({ where: { id } });
  }

  /** Where a call is put through to this user (their phone, SIP address), as a statement for a batch; rows for {@link reachFrom}. */
  reachReading(id: number): Statement {
    return { sql: 'SELECT u.id AS id, u.phone AS phone, u.sip AS sip FROM users u WHERE u.id = ?', params: [id] };
  }

  reachFrom(rows: Record<string, unknown>[] | undefined): Pick<User, 'id' | 'phone' | 'sip'> | null {
    const r = rows?.[0];
    return r ? { id: Number(r.id), phone: (r.phone as string | null) ?? null, sip: (r.sip as string | null) ?? null } : null;
  }

  byRole(role: string): Promise<User[]> {
    return this.deps.db.dataSource.manager.getRepository(UserEntity).find({ where: { role: role as User['role'] }, order: { id: 'ASC' } });
  }

  count(): Promise<number> {
    return this.manager().getRepository(UserEntity).count();
  }

  async departmentIds(userId: number, m?: EntityManager): Promise<number[]> {
    const rows = await this.manager(m).getRepository(UserDepartmentEntity).find({ where: { userId } });
    return rows.map((r) => r.departmentId);
  }

  /** Active users who belong to a department, for routing calls and pushing inquiries. */
  async membersOf(departmentId: number): Promise<User[]> {
    return this.manager()
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .innerJoin('user_departments', 'ud', 'ud.user_id = u.id')
      .where('ud.department_id = :departmentId AND u.active = :active', { departmentId, active: true })
      .orderBy('u.id', 'ASC')
      .getMany();
  }

  async create(
    input: {
      email: string;
      name: string;
      passwordHash: string;
      role: Role;
      departmentIds: number[];
      phone?: string | null;
      sip?: string | null;
      locale?: string;
    },
    m: EntityManager,
  ): Promise<User> {
    const user = (await m.getRepository(UserEntity).save({
      email: input.email.toLowerCase(),
      name: input.name,
      passwordHash: input.passwordHash,
      role: input.role,
      totpSecret: null,
      totpEnabled: false,
      totpLastStep: null,
      phone: input.phone ?? null,
      sip: input.sip ?? null,
      locale: input.locale ?? 'nb',
      active: true,
      mustChangePassword: false,
      createdAt: this.deps.clock(),
    })) as User;
    if (input.departmentIds.length) {
      await m.getRepository(UserDepartmentEntity).insert(input.departmentIds.map((departmentId) => ({ userId: user.id, departmentId })));
    }
    return user;
  }

  async update(
    id: number,
    patch: Partial<Pick<User, 'totpSecret' | 'totpEnabled' | 'totpLastStep' | 'active' | 'name' | 'passwordHash' | 'mustChangePassword'>>,
    m: EntityManager,
  ) {
    await m.getRepository(UserEntity).update({ id }, patch);
  }

  /**
   * Records a used TOTP time step only if it is newer than the last one, so a code can be used
   * once even when two log-ins race with it.
   */
  async claimTotpStep(id: number, step: number, m: EntityManager): Promise<boolean> {
    const r = await m
      .getRepository(UserEntity)
      .createQueryBuilder()
      .update()
      .set({ totpLastStep: step })
      .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', { id, step })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** Every user with their departments, for the administrators' list. */
  async all(): Promise<(User & { departmentIds: number[] })[]> {
    const users = await this.manager()
      .getRepository(UserEntity)
      .find({ order: { id: 'ASC' } });
    const memberships = await this.manager().getRepository(UserDepartmentEntity).find();
    return users.map((u) => ({ ...u, departmentIds: memberships.filter((d) => d.userId === u.id).map((d) => d.departmentId) }));
  }

  async byIds(ids: number[]): Promise<User[]> {
    if (!ids.length) return [];
    return this.manager()
      .getRepository(UserEntity)
      .find({ where: { id: In(ids) } });
  }
}
