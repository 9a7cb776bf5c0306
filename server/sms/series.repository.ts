import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import {
  SmsHolidayEntity,
  SmsSeriesEntity,
  SmsSeriesOccurrenceEntity,
  type SeriesState,
  type SmsHoliday,
  type SmsSeries,
  type SmsSeriesOccurrence,
} from './series.entities';

/** Recurring sends, their occurrences and the holiday list: the only code that speaks SQL for them. */
export class SmsSeriesRepository {
  constructor(private readonly deps: { db: Database }) {}

  private m(m?: EntityManager): EntityManager {
    return m ?? this.deps.db.dataSource.manager;
  }

  insert(row: Omit<SmsSeries, 'id'>, m: EntityManager): Promise<SmsSeries> {
    return this.m(m)
      .getRepository(SmsSeriesEntity)
      .save({ ...row } as SmsSeries);
  }

  byId(id: number): Promise<SmsSeries | null> {
    return this.m().getRepository(SmsSeriesEntity).findOne({ where: { id } });
  }

  list(q: { states?: SeriesState[]; departmentIds?: number[]; beforeId?: number; limit: number }): Promise<SmsSeries[]> {
    const b = this.m().getRepository(SmsSeriesEntity).createQueryBuilder('s').orderBy('s.id', 'DESC').take(q.limit);
    if (q.states?.length) b.andWhere('s.state IN (:...states)', { states: q.states });
    if (q.departmentIds) b.andWhere(q.departmentIds.length ? 's.department_id IN (:...deps)' : '1 = 0', { deps: q.departmentIds });
    if (q.beforeId) b.andWhere('s.id < :before', { before: q.beforeId });
    return b.getMany();
  }

  scheduled(): Promise<SmsSeries[]> {
    return this.m()
      .getRepository(SmsSeriesEntity)
      .find({ where: { state: 'scheduled' } });
  }

  /** Conditional: false when the series was no longer in `from` (a cancel that committed first). */
  async transition(id: number, to: SeriesState, from: SeriesState[], patch: Partial<Pick<SmsSeries, 'nextAt'>>, now: Date, m: EntityManager): Promise<boolean> {
    const r = await this.m(m)
      .createQueryBuilder()
      .update(SmsSeriesEntity)
      .set({ state: to, updatedAt: now, ...patch })
      .where('id = :id AND state IN (:...from)', { id, from })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** Unique by (series, time): of two processes making the same occurrence, the second fails here and its send rolls back with it. */
  async insertOccurrence(row: Omit<SmsSeriesOccurrence, 'id'>, m: EntityManager): Promise<void> {
    await this.m(m).getRepository(SmsSeriesOccurrenceEntity).insert(row);
  }

  occurrence(seriesId: number, occursAt: Date): Promise<SmsSeriesOccurrence | null> {
    return this.m().getRepository(SmsSeriesOccurrenceEntity).findOne({ where: { seriesId, occursAt } });
  }

  occurrences(seriesId: number, limit = 100): Promise<SmsSeriesOccurrence[]> {
    return this.m()
      .getRepository(SmsSeriesOccurrenceEntity)
      .find({ where: { seriesId }, order: { occursAt: 'DESC' }, take: limit });
  }

  holidays(): Promise<SmsHoliday[]> {
    return this.m()
      .getRepository(SmsHolidayEntity)
      .find({ order: { day: 'ASC' } });
  }

  async isHoliday(day: string): Promise<boolean> {
    return (await this.m().getRepository(SmsHolidayEntity).count({ where: { day } })) > 0;
  }

  /** The admin's list replaces the old one whole. */
  async setHolidays(items: { day: string; name: string | null }[], by: number, now: Date, m: EntityManager): Promise<void> {
    const repo = this.m(m).getRepository(SmsHolidayEntity);
    await repo.createQueryBuilder().delete().execute();
    if (items.length) await repo.insert(items.map((x) => ({ ...x, updatedBy: by, updatedAt: now })));
  }
}
