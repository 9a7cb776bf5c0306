import { z } from 'zod';
import type { Database } from '../../core/db/database';
import { ReminderSettingsEntity } from './entities';
import { isTimeZone } from './zoned-time';

/*
 * The municipality's time zone and the evening hour reminders go out the day before a collection
 * or a cut. One row an admin writes; without it, the defaults the root gives (Europe/Oslo, 18:00).
 */

export interface ReminderSettings {
  timeZone: string;
  /** HH:MM, local. */
  eveningAt: string;
}

export const DEFAULT_SETTINGS: ReminderSettings = { timeZone: 'Europe/Oslo', eveningAt: '18:00' };

export const settingsBody = z
  .object({
    timeZone: z.string().trim().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Oslo or Europe/Warsaw'),
    eveningAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
  })
  .strict();

export class ReminderSettingsStore {
  constructor(private readonly deps: { db: Database; defaults: ReminderSettings; clock: () => Date }) {}

  private get repo() {
    return this.deps.db.dataSource.manager.getRepository(ReminderSettingsEntity);
  }

  async get(): Promise<ReminderSettings> {
    const row = await this.repo.findOne({ where: {}, order: { id: 'ASC' } });
    return row ? { timeZone: row.timeZone, eveningAt: row.eveningAt } : { ...this.deps.defaults };
  }

  async put(s: ReminderSettings): Promise<ReminderSettings> {
    const row = await this.repo.findOne({ where: {}, order: { id: 'ASC' } });
    const updatedAt = this.deps.clock();
    if (row) await this.repo.update({ id: row.id }, { ...s, updatedAt });
    else await this.repo.insert({ ...s, updatedAt });
    return s;
  }
}
