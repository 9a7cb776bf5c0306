import type { AuditRepository } from '../core/audit.repository';
import type { Database } from '../core/db/database';
import { isUniqueViolation } from '../core/db/database';
import { AlertCategoryEntity, type AlertCategory } from './entities';

/*
 * The interests residents may choose (emergencies, water and roads, waste, culture, sport).
 * A category is named by its code, which subscriptions and sends refer to; only its name changes.
 */

/** What a first start of the demo offers; a deployment names its own with PUT /api/alert-categories/:code. */
export const DEFAULT_CATEGORIES: readonly { code: string; name: string }[] = [
  { code: 'emergencies', name: 'Emergencies' },
  { code: 'water-and-roads', name: 'Water and roads' },
  { code: 'waste', name: 'Waste collection' },
  { code: 'culture', name: 'Culture' },
  { code: 'sport', name: 'Sport' },
  // Overdue tax and fee reminders go only to residents who chose this (reminders/overdue.ts).
  { code: 'taxes', name: 'Taxes and fees' },
];

export class AlertCategoryService {
  constructor(private readonly deps: { db: Database; audit: AuditRepository; clock: () => Date }) {}

  async list(): Promise<{ code: string; name: string }[]> {
    const rows = await this.deps.db.dataSource.manager.getRepository(AlertCategoryEntity).find({ order: { name: 'ASC', code: 'ASC' } });
    return rows.map((c) => ({ code: c.code, name: c.name }));
  }

  /** Creates or renames one category; `created` tells which. The same name twice changes nothing. */
  async put(
    code: string,
    name: string,
    who: { userId: number | null; route: string; ip?: string | null },
  ): Promise<{ code: string; name: string; created: boolean }> {
    const write = () =>
      this.deps.db.transaction(async (m) => {
        const repo = m.getRepository(AlertCategoryEntity);
        const was = await repo.findOne({ where: { code } });
        if (was && was.name === name) return { code, name, created: false };
        const at = this.deps.clock();
        let row: AlertCategory;
        if (was) {
          await repo.update({ id: was.id }, { name, updatedAt: at });
          row = { ...was, name };
        } else row = (await repo.save({ code, name, updatedAt: at })) as AlertCategory;
        await this.deps.audit.record(
          [{ userId: who.userId, action: was ? 'update' : 'create', entityType: 'alert_category', entityId: code, route: who.route, ip: who.ip }],
          m,
        );
        return { code, name: row.name, created: !was };
      });
    try {
      return await write();
    } catch (e) {
      // Two first PUTs of one code at once: the loser renames what the winner created.
      if (isUniqueViolation(e)) return write();
      throw e;
    }
  }

  /** The defaults, for an empty table only (the demo's first start); answers whether it seeded them. */
  async seedDefaults(): Promise<boolean> {
    if ((await this.deps.db.dataSource.manager.getRepository(AlertCategoryEntity).count()) > 0) return false;
    for (const c of DEFAULT_CATEGORIES) await this.put(c.code, c.name, { userId: null, route: 'demo seed' });
    return true;
  }
}
