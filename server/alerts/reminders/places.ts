import { In } from 'typeorm';
import type { Database } from '../../core/db/database';
import { LocalityEntity, StreetEntity, type Locality, type Street } from '../entities';
import { fold } from '../../core/search-fold';

/*
 * Places a schedule names, by id or by name: a locality by its folded name (several of one name
 * must be told apart by id), a street by its folded name within its locality, with or without its
 * feature ("ul. Działkowa" and "Działkowa" are one street).
 */

export type Place = { localityId: number; streetId: number | null };

export class PlaceLookup {
  private readonly localities = new Map<string, Locality[]>();
  private readonly streets = new Map<number, Street[]>();
  constructor(private readonly deps: { db: Database }) {}

  private get m() {
    return this.deps.db.dataSource.manager;
  }

  /** Loads what the cells name in a few queries, before the rows are resolved one by one. */
  async prepare(localityCells: string[], streetCells: string[]): Promise<void> {
    const ids = [...new Set([...localityCells].filter((c) => /^\d{1,10}$/.test(c)).map(Number))];
    const keys = [...new Set(localityCells.filter((c) => c && !/^\d{1,10}$/.test(c)).map(fold))];
    const streetIds = [...new Set(streetCells.filter((c) => /^\d{1,10}$/.test(c)).map(Number))];
    const found: Locality[] = [];
    for (let i = 0; i < ids.length; i += 500) found.push(...(await this.m.getRepository(LocalityEntity).findBy({ id: In(ids.slice(i, i + 500)) })));
    for (let i = 0; i < keys.length; i += 500) found.push(...(await this.m.getRepository(LocalityEntity).findBy({ nameKey: In(keys.slice(i, i + 500)) })));
    for (const l of found) {
      this.add(`#${l.id}`, l);
      this.add(l.nameKey, l);
    }
    const byId: Street[] = [];
    for (let i = 0; i < streetIds.length; i += 500) byId.push(...(await this.m.getRepository(StreetEntity).findBy({ id: In(streetIds.slice(i, i + 500)) })));
    this.byStreetId = new Map(byId.map((s) => [s.id, s]));
    const localityIds = [...new Set(found.map((l) => l.id))];
    for (let i = 0; i < localityIds.length; i += 200) {
      const part = localityIds.slice(i, i + 200);
      const rows = await this.m.getRepository(StreetEntity).findBy({ localityId: In(part) });
      for (const id of part) this.streets.set(id, []);
      for (const s of rows) this.streets.get(s.localityId)!.push(s);
    }
  }

  private byStreetId = new Map<number, Street>();

  private add(key: string, l: Locality) {
    const list = this.localities.get(key) ?? [];
    if (!list.some((x) => x.id === l.id)) list.push(l);
    this.localities.set(key, list);
  }

  /** The place a row names, or why it names none. */
  resolve(localityCell: string, streetCell: string): Place | { error: string } {
    let localityId: number | null = null;
    if (localityCell) {
      const isId = /^\d{1,10}$/.test(localityCell);
      const hits = this.localities.get(isId ? `#${localityCell}` : fold(localityCell)) ?? [];
      if (!hits.length) return { error: `no locality ${isId ? 'with id ' : ''}"${localityCell.slice(0, 64)}" in the address register` };
      if (hits.length > 1)
        return { error: `${hits.length} localities are named "${localityCell.slice(0, 64)}"; give the locality's id (${hits.map((h) => h.id).join(', ')})` };
      localityId = hits[0].id;
    }
    if (!streetCell) return localityId === null ? { error: 'name a locality, a street, or both' } : { localityId, streetId: null };
    if (/^\d{1,10}$/.test(streetCell)) {
      const s = this.byStreetId.get(Number(streetCell));
      if (!s) return { error: `no street with id ${streetCell} in the address register` };
      if (localityId !== null && s.localityId !== localityId) return { error: `street ${streetCell} is not in locality ${localityCell.slice(0, 64)}` };
      return { localityId: s.localityId, streetId: s.id };
    }
    if (localityId === null) return { error: `a street named by name ("${streetCell.slice(0, 64)}") needs its locality` };
    const key = fold(streetCell);
    const hits = (this.streets.get(localityId) ?? []).filter((s) => s.nameKey === key || fold(s.name) === key);
    if (!hits.length) return { error: `no street "${streetCell.slice(0, 64)}" in ${localityCell.slice(0, 64)}` };
    if (hits.length > 1)
      return { error: `${hits.length} streets of ${localityCell.slice(0, 64)} are named "${streetCell.slice(0, 64)}"; give the street's id` };
    return { localityId, streetId: hits[0].id };
  }
}

/** The unique-key form of an area: `l12` (a locality as a whole) or `s34` (a street). */
export const areaKeyOf = (p: Place) => (p.streetId === null ? `l${p.localityId}` : `s${p.streetId}`);
