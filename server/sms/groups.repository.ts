import { type EntityManager, In } from 'typeorm';
import type { Database } from '../core/db/database';
import { SmsGroupEntity, SmsGroupMemberEntity, type SmsGroup, type SmsGroupMember } from './entities';

/** Saved recipient groups and their members. */
export class SmsGroupRepository {
  constructor(private readonly deps: { db: Database }) {}

  private manager(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  async create(group: Omit<SmsGroup, 'id'>, members: Omit<SmsGroupMember, 'id' | 'groupId'>[], m: EntityManager): Promise<SmsGroup> {
    const saved = (await m.getRepository(SmsGroupEntity).save({ ...group })) as SmsGroup;
    for (let i = 0; i < members.length; i += 500) {
      await m.getRepository(SmsGroupMemberEntity).insert(members.slice(i, i + 500).map((x) => ({ ...x, groupId: saved.id })));
    }
    return saved;
  }

  byId(id: number): Promise<SmsGroup | null> {
    return this.manager().getRepository(SmsGroupEntity).findOne({ where: { id } });
  }

  /** Groups of these departments (all when null), with their member counts. */
  async list(departmentIds: number[] | null): Promise<(SmsGroup & { members: number })[]> {
    if (departmentIds && !departmentIds.length) return [];
    const groups = await this.manager()
      .getRepository(SmsGroupEntity)
      .find({ where: departmentIds ? { departmentId: In(departmentIds) } : {}, order: { id: 'ASC' } });
    if (!groups.length) return [];
    const counts = await this.manager()
      .getRepository(SmsGroupMemberEntity)
      .createQueryBuilder('g')
      .select('g.group_id', 'groupId')
      .addSelect('COUNT(*)', 'n')
      .where('g.group_id IN (:...ids)', { ids: groups.map((g) => g.id) })
      .groupBy('g.group_id')
      .getRawMany<{ groupId: number; n: number | string }>();
    return groups.map((g) => ({ ...g, members: Number(counts.find((c) => Number(c.groupId) === g.id)?.n ?? 0) }));
  }

  members(groupId: number): Promise<SmsGroupMember[]> {
    return this.manager()
      .getRepository(SmsGroupMemberEntity)
      .find({ where: { groupId }, order: { id: 'ASC' } });
  }
}
