import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { DepartmentAddressEntity, DepartmentEntity, type Department, type DepartmentAddress, type OpeningHours } from './departments.entities';

export const SWITCHBOARD = 'switchboard';

export class DepartmentRepository {
  private cache: { at: number; rows: Department[] } | null = null;

  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(DepartmentEntity);
  }

  /** Departments change rarely and are read on every call and message: a short cache saves a query each time. */
  async list(): Promise<Department[]> {
    if (this.cache && Date.now() - this.cache.at < 5000) return this.cache.rows;
    const rows = await this.repo().find({ order: { id: 'ASC' } });
    this.cache = { at: Date.now(), rows };
    return rows;
  }

  invalidate() {
    this.cache = null;
    this.addressCache = null;
  }

  private addressCache: { at: number; rows: DepartmentAddress[] } | null = null;

  async addresses(): Promise<DepartmentAddress[]> {
    if (this.addressCache && Date.now() - this.addressCache.at < 5000) return this.addressCache.rows;
    const rows = await this.deps.db.dataSource.manager.getRepository(DepartmentAddressEntity).find({ order: { id: 'ASC' } });
    this.addressCache = { at: Date.now(), rows };
    return rows;
  }

  /** The department that owns one of our numbers or mailboxes, if any. */
  async ownerOf(channel: DepartmentAddress['channel'], address: string): Promise<Department | null> {
    const hit = (await this.addresses()).find((a) => a.channel === channel && a.address === address);
    return hit ? this.byId(hit.departmentId) : null;
  }

  async addAddress(row: Omit<DepartmentAddress, 'id'>, m: EntityManager): Promise<void> {
    await m.getRepository(DepartmentAddressEntity).insert(row);
    this.invalidate();
  }

  /** Sets the given fields of a department (not its code). */
  async update(id: number, patch: Partial<Pick<Department, 'name' | 'menuDigit' | 'email' | 'openingHours'>>, m: EntityManager): Promise<void> {
    if (Object.keys(patch).length) await this.repo(m).update({ id }, patch);
    this.invalidate();
  }

  /**
   * Makes `addresses` the department's addresses on this channel, in order, the first the default:
   * removes the others and adds the new. A number another department owns fails on the unique key.
   */
  async replaceAddresses(departmentId: number, channel: DepartmentAddress['channel'], addresses: string[], m: EntityManager): Promise<void> {
    const repo = m.getRepository(DepartmentAddressEntity);
    const now = await repo.find({ where: { departmentId, channel } });
    const gone = now.filter((a) => !addresses.includes(a.address));
    if (gone.length) await repo.delete(gone.map((a) => a.id));
    for (const [i, address] of addresses.entries()) {
      const had = now.find((a) => a.address === address);
      if (!had) await repo.insert({ departmentId, channel, address, isDefault: i === 0 });
      else if (had.isDefault !== (i === 0)) await repo.update({ id: had.id }, { isDefault: i === 0 });
    }
    this.invalidate();
  }

  async byCode(code: string): Promise<Department | null> {
    return (await this.list()).find((d) => d.code === code) ?? null;
  }

  async byId(id: number): Promise<Department | null> {
    return (await this.list()).find((d) => d.id === id) ?? null;
  }

  /** Read inside a transaction, past the cache: whether a department with this code exists right now. */
  async codeExists(code: string, m: EntityManager): Promise<boolean> {
    return (await this.repo(m).count({ where: { code } })) > 0;
  }

  async byMenuDigit(digit: number): Promise<Department | null> {
    return (await this.list()).find((d) => d.menuDigit === digit) ?? null;
  }

  async create(
    input: { code: string; name: string; menuDigit?: number | null; email?: string | null; openingHours?: OpeningHours | null },
    m: EntityManager,
  ): Promise<Department> {
    const saved = await this.repo(m).save({
      code: input.code,
      name: input.name,
      menuDigit: input.menuDigit ?? null,
      email: input.email ?? null,
      openingHours: input.openingHours ?? null,
      createdAt: this.deps.clock(),
    });
    this.invalidate();
    return saved as Department;
  }
}
