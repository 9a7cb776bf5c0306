import { In, type EntityManager } from 'typeorm';
import type { Database } from '../../core/db/database';
import { badRequest } from '../../core/errors';
import { fold } from '../../core/search-fold';
import { readTable, LineErrors } from './csv-table';
import { WasteCollectionEntity, type WasteCollection } from './entities';
import { areaKeyOf, PlaceLookup, type Place } from './places';
import type { ReminderSendRequest } from './sends';
import type { ReminderSettings } from './settings';
import { wasteText } from './texts';
import type { AlertLang } from '../subscriptions.schemas';
import { addDays, localParts, parseDay, zonedInstant, type Day } from './zoned-time';

/*
 * Waste collection: a schedule (a street or a whole locality, a fraction, a day) imported as CSV,
 * and a reminder the evening before to subscribers of the `waste` category there. A newer file
 * speaks for the area and fraction it names: their future days are what it says.
 */

export const WASTE_CATEGORY = 'waste';

const WASTE_COLUMNS = {
  locality: { names: ['locality', 'locality_id', 'miejscowosc', 'miejscowość', 'poststed', 'sted', 'tettsted'], required: false },
  street: { names: ['street', 'street_id', 'ulica', 'gate', 'vei', 'adresse'], required: false },
  fraction: { names: ['fraction', 'waste', 'frakcja', 'rodzaj', 'odpady', 'fraksjon', 'avfall', 'type'], required: true },
  date: { names: ['date', 'day', 'data', 'dzien', 'dzień', 'dato', 'dag'], required: true },
};

export interface ScheduleRow extends Place {
  areaKey: string;
  fraction: string;
  fractionKey: string;
  collectOn: Day;
}

/** A schedule file read and every place resolved, or a 400 naming each line that cannot be used. */
export async function readWasteSchedule(bytes: Buffer, db: Database): Promise<ScheduleRow[]> {
  const rows = await readTable(bytes, WASTE_COLUMNS);
  if (rows.every((r) => !r.cells.locality) && rows.every((r) => !r.cells.street)) throw badRequest('No row of the schedule names a locality or a street');
  const places = new PlaceLookup({ db });
  await places.prepare(
    rows.map((r) => r.cells.locality),
    rows.map((r) => r.cells.street),
  );
  const errors = new LineErrors();
  const out = new Map<string, ScheduleRow>();
  for (const { line, cells } of rows) {
    const place = places.resolve(cells.locality, cells.street);
    if ('error' in place) errors.add(line, place.error);
    const fractionKey = fold(cells.fraction).slice(0, 64).trim();
    if (!fractionKey) errors.add(line, 'the waste fraction is empty');
    else if (cells.fraction.length > 64) errors.add(line, 'the waste fraction is longer than 64 characters');
    const day = parseDay(cells.date);
    if (!day) errors.add(line, `"${cells.date.slice(0, 20)}" is not a date (YYYY-MM-DD or DD.MM.YYYY)`);
    if ('error' in place || !fractionKey || cells.fraction.length > 64 || !day) continue;
    const row: ScheduleRow = { ...place, areaKey: areaKeyOf(place), fraction: cells.fraction, fractionKey, collectOn: day };
    out.set(`${row.areaKey}\t${fractionKey}\t${day}`, row);
  }
  errors.fail('The schedule');
  return [...out.values()];
}

export interface ScheduleTally {
  rows: number;
  added: number;
  removed: number;
  unchanged: number;
}

/**
 * Stores a schedule: for each area and fraction the file names, its days from `today` on become
 * the file's (days it no longer lists are removed, new ones added); past days are history and stay.
 */
export async function applyWasteSchedule(m: EntityManager, rows: ScheduleRow[], today: Day, who: number | null, at: Date): Promise<ScheduleTally> {
  const repo = m.getRepository(WasteCollectionEntity);
  const groups = new Map<string, ScheduleRow[]>();
  for (const r of rows) {
    const g = `${r.areaKey}\t${r.fractionKey}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const areaKeys = [...new Set(rows.map((r) => r.areaKey))];
  const stored: WasteCollection[] = [];
  for (let i = 0; i < areaKeys.length; i += 500) stored.push(...(await repo.findBy({ areaKey: In(areaKeys.slice(i, i + 500)) })));
  const have = new Map(stored.map((s) => [`${s.areaKey}\t${s.fractionKey}\t${s.collectOn}`, s]));
  const tally: ScheduleTally = { rows: rows.length, added: 0, removed: 0, unchanged: 0 };
  const fresh: Omit<WasteCollection, 'id'>[] = [];
  for (const r of rows) {
    if (have.has(`${r.areaKey}\t${r.fractionKey}\t${r.collectOn}`)) tally.unchanged++;
    else
      fresh.push({
        localityId: r.localityId,
        streetId: r.streetId,
        areaKey: r.areaKey,
        fraction: r.fraction,
        fractionKey: r.fractionKey,
        collectOn: r.collectOn,
        createdBy: who,
        createdAt: at,
      });
  }
  const listed = new Set(rows.map((r) => `${r.areaKey}\t${r.fractionKey}\t${r.collectOn}`));
  const gone = stored.filter(
    (s) => groups.has(`${s.areaKey}\t${s.fractionKey}`) && s.collectOn >= today && !listed.has(`${s.areaKey}\t${s.fractionKey}\t${s.collectOn}`),
  );
  for (let i = 0; i < gone.length; i += 500) await repo.delete({ id: In(gone.slice(i, i + 500).map((g) => g.id)) });
  for (let i = 0; i < fresh.length; i += 200) await repo.insert(fresh.slice(i, i + 200));
  tally.added = fresh.length;
  tally.removed = gone.length;
  return tally;
}

/** When the reminder for a collection on `day` goes: the evening before, at the set hour, local time. */
export function wasteReminderAt(day: Day, s: ReminderSettings): Date {
  return zonedInstant(addDays(day, -1), s.eveningAt, s.timeZone);
}

/** Due from the evening before until the collection day begins; after that a reminder would be news of the past. */
export function isWasteDue(day: Day, now: Date, s: ReminderSettings): boolean {
  return now.getTime() >= wasteReminderAt(day, s).getTime() && localParts(now, s.timeZone).day < day;
}

/** Collections whose reminder is due now (before the once-only keys are looked at). */
export async function dueWaste(db: Database, now: Date, s: ReminderSettings): Promise<WasteCollection[]> {
  // Only tomorrow's can be due (from the evening before until the day begins); the rule decides the hour.
  const tomorrow = addDays(localParts(now, s.timeZone).day, 1);
  const rows = await db.dataSource.manager.getRepository(WasteCollectionEntity).find({ where: { collectOn: tomorrow }, order: { id: 'ASC' } });
  return rows.filter((r) => isWasteDue(r.collectOn, now, s));
}

/** The once-only key of one area's reminder of one collection, in one language. */
export const wasteKey = (r: Pick<WasteCollection, 'areaKey' | 'fractionKey' | 'collectOn'>, lang: string) =>
  `waste:${r.areaKey}:${r.fractionKey}:${r.collectOn}:${lang}`;

/** Due collections that go in one send: the same fraction on the same day, whatever the area. */
export function wasteGroups(rows: WasteCollection[]): WasteCollection[][] {
  const groups = new Map<string, WasteCollection[]>();
  for (const r of rows) groups.set(`${r.fractionKey}\t${r.collectOn}`, [...(groups.get(`${r.fractionKey}\t${r.collectOn}`) ?? []), r]);
  return [...groups.values()];
}

/** The send for one group in one language: waste subscribers of its streets and whole localities. */
export function wasteRequest(rows: WasteCollection[], lang: AlertLang): Omit<ReminderSendRequest, 'key' | 'from'> {
  return {
    audience: {
      subscribers: {
        localities: [...new Set(rows.filter((r) => r.streetId === null).map((r) => r.localityId))],
        streets: [...new Set(rows.filter((r) => r.streetId !== null).map((r) => r.streetId!))],
        categories: [WASTE_CATEGORY],
      },
    },
    language: lang,
    body: wasteText(lang, rows[0].fraction, rows[0].collectOn),
    requestedBy: rows[0].createdBy,
  };
}
