import { In, MoreThan } from 'typeorm';
import { z } from 'zod';
import type { Database } from '../../core/db/database';
import { badRequest } from '../../core/errors';
import { LocalityEntity, StreetEntity } from '../entities';
import { PowerCutEntity, type PowerCut } from './entities';
import type { ReminderSettings } from './settings';
import { addDays, localParts, zonedInstant } from './zoned-time';

/*
 * Planned power cuts: an officer enters the area (localities and streets, their union, as an
 * audience names them) and the span; residents there hear at once, and again the evening before
 * the cut begins. Everyone in the area hears, whatever their interests: a cut concerns where
 * they live. A cancelled cut sends no reminder, and those already told hear it is off.
 */

const id = z.union([
  z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
  z
    .string()
    .regex(/^[1-9]\d{0,9}$/)
    .transform(Number),
]);
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
export const powerCutBody = z
  .object({
    localities: z.array(id).max(1000).optional(),
    streets: z.array(id).max(20_000).optional(),
    from: instant,
    to: instant,
    note: z.string().trim().max(300).optional(),
  })
  .strict()
  .refine((b) => (Array.isArray(b.localities) ? b.localities.length : 0) + (Array.isArray(b.streets) ? b.streets.length : 0) > 0, {
    message: 'name the area: localities, streets or both',
    path: ['streets'],
  })
  // zod runs refinements even when a field failed: only compare what parsed into dates.
  .refine((b) => !(b.from instanceof Date && b.to instanceof Date) || b.to.getTime() > b.from.getTime(), { message: 'to must be after from', path: ['to'] });
export type PowerCutBody = z.infer<typeof powerCutBody>;

export interface PowerCutArea {
  localities: number[];
  streets: number[];
}

export interface PowerCutView {
  id: number;
  state: PowerCut['state'];
  from: Date;
  to: Date;
  note: string | null;
  localities: number[];
  streets: number[];
  createdAt: Date;
  cancelledAt: Date | null;
}

export const areaOf = (c: PowerCut): PowerCutArea => JSON.parse(c.area) as PowerCutArea;
export const viewOf = (c: PowerCut): PowerCutView => ({
  id: c.id,
  state: c.state,
  from: c.startsAt,
  to: c.endsAt,
  note: c.note,
  ...areaOf(c),
  createdAt: c.createdAt,
  cancelledAt: c.cancelledAt,
});

export class PowerCutRepository {
  constructor(private readonly deps: { db: Database }) {}

  private get repo() {
    return this.deps.db.dataSource.manager.getRepository(PowerCutEntity);
  }

  /** 400 naming each id that is not in the address register; nothing is stored then. */
  async checkArea(area: PowerCutArea): Promise<void> {
    const m = this.deps.db.dataSource.manager;
    const details: { path: (string | number)[]; message: string }[] = [];
    const known = async (entity: typeof LocalityEntity | typeof StreetEntity, ids: number[]) => {
      const found = new Set<number>();
      for (let i = 0; i < ids.length; i += 500)
        for (const r of await m.getRepository(entity as typeof StreetEntity).find({ select: { id: true }, where: { id: In(ids.slice(i, i + 500)) } }))
          found.add(r.id);
      return found;
    };
    const localities = await known(LocalityEntity, area.localities);
    const streets = await known(StreetEntity, area.streets);
    area.localities.forEach((l, i) => !localities.has(l) && details.push({ path: ['localities', i], message: `no such locality: ${l}` }));
    area.streets.forEach((s, i) => !streets.has(s) && details.push({ path: ['streets', i], message: `no such street: ${s}` }));
    if (details.length) throw badRequest('The notice names places that are not in the address register', details.slice(0, 100));
  }

  async insert(b: PowerCutBody, who: number | null, at: Date): Promise<PowerCut> {
    const area: PowerCutArea = { localities: [...new Set(b.localities ?? [])], streets: [...new Set(b.streets ?? [])] };
    const row = {
      area: JSON.stringify(area),
      startsAt: b.from,
      endsAt: b.to,
      note: b.note || null,
      state: 'planned' as const,
      createdBy: who,
      createdAt: at,
      cancelledAt: null,
    };
    const { identifiers } = await this.repo.insert(row);
    return { id: Number(identifiers[0].id), ...row };
  }

  byId(id: number): Promise<PowerCut | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Cancels a planned cut; false when it was already cancelled (the one who cancelled first tells residents). */
  async cancel(id: number, at: Date): Promise<boolean> {
    const r = await this.repo.update({ id, state: 'planned' }, { state: 'cancelled', cancelledAt: at });
    return (r.affected ?? 0) > 0;
  }

  /** Cuts not yet over, soonest first: what the officers' list shows and what the tick looks at. */
  upcoming(now: Date, state?: PowerCut['state']): Promise<PowerCut[]> {
    return this.repo.find({ where: { endsAt: MoreThan(now), ...(state ? { state } : {}) }, order: { startsAt: 'ASC', id: 'ASC' }, take: 1000 });
  }
}

/** The evening before the local day the cut begins, at the set hour. */
export function powerCutReminderAt(c: Pick<PowerCut, 'startsAt'>, s: ReminderSettings): Date {
  return zonedInstant(addDays(localParts(c.startsAt, s.timeZone).day, -1), s.eveningAt, s.timeZone);
}

/**
 * The reminder is due from the evening before until the cut begins, for a planned cut entered
 * before that evening (one entered later was just announced: its notice is the reminder).
 */
export function isPowerCutReminderDue(c: Pick<PowerCut, 'startsAt' | 'createdAt' | 'state'>, now: Date, s: ReminderSettings): boolean {
  const at = powerCutReminderAt(c, s).getTime();
  return c.state === 'planned' && c.createdAt.getTime() < at && now.getTime() >= at && now.getTime() < c.startsAt.getTime();
}

export const powerCutKey = (id: number, what: 'notice' | 'reminder' | 'cancelled', lang: string) => `power-cut:${id}:${what}:${lang}`;
