import { type Database, isUniqueViolation } from '../core/db/database';
import { WebFormEntity, type WebFormRow } from './entities';
import { conflict } from '../core/errors';

export class WebFormRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private repo() {
    return this.deps.db.dataSource.manager.getRepository(WebFormEntity);
  }

  bySlug(slug: string): Promise<WebFormRow | null> {
    return this.repo().findOne({ where: { slug } });
  }

  list(): Promise<WebFormRow[]> {
    return this.repo().find({ order: { id: 'ASC' } });
  }

  async create(row: Omit<WebFormRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<WebFormRow> {
    const now = this.deps.clock();
    try {
      return (await this.deps.db.transaction((m) => m.getRepository(WebFormEntity).save({ ...row, createdAt: now, updatedAt: now }))) as WebFormRow;
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('slug_taken', `A form with the slug "${row.slug}" exists`);
      throw e;
    }
  }
}
