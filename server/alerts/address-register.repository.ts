import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { limitOf, placeholders } from '../core/db/placeholders';
import { AddressPointEntity, LocalityEntity, StreetEntity } from './entities';
import { LocalityWordEntity } from './address-register.entities';
import { laterWords, prefixCondition } from '../core/search-fold';

/*
 * The address register's SQL: what an import compares against and writes, in multi-row batches,
 * and the two searches as you type. The only code here that speaks to the register's tables.
 */

export interface KnownLocality {
  id: number;
  code: string;
  name: string;
  area: string | null;
}
export interface KnownStreet {
  id: number;
  localityId: number;
  code: string;
  name: string;
  nameKey: string;
}
export interface KnownPoint {
  id: number;
  localityId: number;
  streetId: number | null;
  number: string;
  postcode: string | null;
}
export interface Found {
  id: number;
  name: string;
  area?: string | null;
}

/** Rows per multi-row INSERT and ids per IN list: well inside both engines' statement limits. */
export const BATCH = 500;

const chunks = <T>(items: readonly T[], size = BATCH): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
const num = (v: unknown) => Number(v);

export class AddressRegisterRepository {
  constructor(private readonly deps: { db: Database }) {}

  // --- what an import compares against ------------------------------------------------------

  async localities(m: EntityManager, source: string): Promise<KnownLocality[]> {
    const rows = (await m.query('SELECT id, code, name, area FROM address_localities WHERE source = ?', [source])) as KnownLocality[];
    for (const r of rows) r.id = num(r.id);
    return rows;
  }

  /** Streets of these localities. */
  async streetsOf(m: EntityManager, localityIds: number[]): Promise<KnownStreet[]> {
    const out: KnownStreet[] = [];
    for (const ids of chunks(localityIds)) {
      const rows = (await m.query(
        `SELECT id, locality_id AS localityId, code, name, name_key AS nameKey FROM address_streets WHERE locality_id IN (${placeholders(ids)})`,
        ids,
      )) as KnownStreet[];
      for (const r of rows) out.push({ ...r, id: num(r.id), localityId: num(r.localityId) });
    }
    return out;
  }

  async pointsOf(m: EntityManager, localityIds: number[]): Promise<KnownPoint[]> {
    const out: KnownPoint[] = [];
    for (const ids of chunks(localityIds)) {
      const rows = (await m.query(
        `SELECT id, locality_id AS localityId, street_id AS streetId, number, postcode FROM address_points WHERE locality_id IN (${placeholders(ids)})`,
        ids,
      )) as KnownPoint[];
      for (const r of rows) out.push({ ...r, id: num(r.id), localityId: num(r.localityId), streetId: r.streetId === null ? null : num(r.streetId) });
    }
    return out;
  }

  /** Of these localities, the ones a resident chose (as a whole, or one of its streets), with how many residents. */
  async chosenLocalities(m: EntityManager, ids: number[]): Promise<Map<number, number>> {
    const chosen = new Map<number, number>();
    for (const part of chunks(ids)) {
      const list = placeholders(part);
      const rows = (await m.query(
        `SELECT locality_id AS id, COUNT(*) AS n FROM alert_subscribers WHERE locality_id IN (${list}) GROUP BY locality_id
         UNION ALL
         SELECT s.locality_id AS id, COUNT(*) AS n FROM alert_subscriber_streets c JOIN address_streets s ON s.id = c.street_id
         WHERE s.locality_id IN (${list}) GROUP BY s.locality_id`,
        [...part, ...part],
      )) as { id: unknown; n: unknown }[];
      for (const r of rows) chosen.set(num(r.id), (chosen.get(num(r.id)) ?? 0) + num(r.n));
    }
    return chosen;
  }

  /** Of these streets, the ones residents chose, with how many residents. */
  async chosenStreets(m: EntityManager, ids: number[]): Promise<Map<number, number>> {
    const chosen = new Map<number, number>();
    for (const part of chunks(ids)) {
      const rows = (await m.query(
        `SELECT street_id AS id, COUNT(*) AS n FROM alert_subscriber_streets WHERE street_id IN (${placeholders(part)}) GROUP BY street_id`,
        part,
      )) as { id: unknown; n: unknown }[];
      for (const r of rows) chosen.set(num(r.id), num(r.n));
    }
    return chosen;
  }

  // --- writes -------------------------------------------------------------------------------

  /** Adds localities and the words they are found by; answers their ids by code. */
  async addLocalities(
    m: EntityManager,
    rows: Omit<KnownLocality, 'id'>[],
    nameKey: (name: string) => string,
    source: string,
    at: Date,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const part of chunks(rows)) {
      await m
        .createQueryBuilder()
        .insert()
        .into(LocalityEntity)
        .values(part.map((r) => ({ code: r.code, name: r.name, nameKey: nameKey(r.name), area: r.area, source, updatedAt: at })))
        .updateEntity(false)
        .execute();
      // Read back rather than trust consecutive AUTO_INCREMENT values for a multi-row INSERT.
      const codes = part.map((r) => r.code);
      const got = (await m.query(`SELECT id, code, name FROM address_localities WHERE source = ? AND code IN (${placeholders(codes)})`, [
        source,
        ...codes,
      ])) as {
        id: unknown;
        code: string;
        name: string;
      }[];
      for (const r of got) ids.set(r.code, num(r.id));
      await this.addWords(
        m,
        got.map((r) => ({ id: num(r.id), key: nameKey(r.name) })),
      );
    }
    return ids;
  }

  async updateLocality(m: EntityManager, id: number, patch: { name: string; nameKey: string; area: string | null }, at: Date): Promise<void> {
    await m.getRepository(LocalityEntity).update({ id }, { ...patch, updatedAt: at });
    await m.getRepository(LocalityWordEntity).delete({ localityId: id });
    await this.addWords(m, [{ id, key: patch.nameKey }]);
  }

  private async addWords(m: EntityManager, localities: { id: number; key: string }[]): Promise<void> {
    const words = localities.flatMap((l) => laterWords(l.key).map((wordKey) => ({ localityId: l.id, wordKey })));
    for (const part of chunks(words)) await m.createQueryBuilder().insert().into(LocalityWordEntity).values(part).updateEntity(false).execute();
  }

  async addStreets(m: EntityManager, rows: Omit<KnownStreet, 'id'>[], at: Date): Promise<void> {
    for (const part of chunks(rows))
      await m
        .createQueryBuilder()
        .insert()
        .into(StreetEntity)
        .values(part.map((r) => ({ ...r, updatedAt: at })))
        .updateEntity(false)
        .execute();
  }

  /** Street ids by locality and code, for the address points that follow. */
  async streetIds(m: EntityManager, localityIds: number[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const s of await this.streetsOf(m, localityIds)) out.set(`${s.localityId}\t${s.code}`, s.id);
    return out;
  }

  async updateStreet(m: EntityManager, id: number, patch: { name: string; nameKey: string }, at: Date): Promise<void> {
    await m.getRepository(StreetEntity).update({ id }, { ...patch, updatedAt: at });
  }

  async addPoints(m: EntityManager, rows: Omit<KnownPoint, 'id'>[], at: Date): Promise<void> {
    for (const part of chunks(rows))
      await m
        .createQueryBuilder()
        .insert()
        .into(AddressPointEntity)
        .values(part.map((r) => ({ ...r, updatedAt: at })))
        .updateEntity(false)
        .execute();
  }

  async updatePoint(m: EntityManager, id: number, postcode: string | null, at: Date): Promise<void> {
    await m.getRepository(AddressPointEntity).update({ id }, { postcode, updatedAt: at });
  }

  /** Removes rows of one table by id; the caller has made sure nothing a resident chose is among them. */
  async remove(m: EntityManager, table: 'address_points' | 'address_streets' | 'address_localities', ids: number[], column = 'id'): Promise<void> {
    for (const part of chunks(ids)) await m.query(`DELETE FROM ${table} WHERE ${column} IN (${placeholders(part)})`, part);
  }

  /** Localities with their streets, address points and search words, none of them chosen by anyone. */
  async removeLocalities(m: EntityManager, ids: number[]): Promise<void> {
    for (const part of chunks(ids)) {
      const list = placeholders(part);
      for (const table of ['address_locality_words', 'address_points', 'address_streets'])
        await m.query(`DELETE FROM ${table} WHERE locality_id IN (${list})`, part);
      await m.query(`DELETE FROM address_localities WHERE id IN (${list})`, part);
    }
  }

  async counts(m?: EntityManager): Promise<{ localities: number; streets: number; addresses: number }> {
    const q = (m ?? this.deps.db.dataSource.manager).query.bind(m ?? this.deps.db.dataSource.manager);
    const [[l], [s], [a]] = (await Promise.all(
      ['address_localities', 'address_streets', 'address_points'].map((t) => q(`SELECT COUNT(*) AS n FROM ${t}`)),
    )) as { n: unknown }[][];
    return { localities: num(l.n), streets: num(s.n), addresses: num(a.n) };
  }

  // --- search as you type -------------------------------------------------------------------

  /** `column` starts with `key`, reading an index range on either engine. */
  private startsWith(column: string, key: string): { sql: string; params: string[] } {
    return prefixCondition(this.deps.db.dialect, column, key);
  }

  /** Localities whose name starts with `key`, then those with a later word that does; alphabetical within each. */
  async searchLocalities(key: string, limit: number): Promise<Found[]> {
    const n = limitOf(limit);
    const q = this.deps.db.dataSource.manager;
    const whole = this.startsWith('name_key', key);
    const first = (await q.query(`SELECT id, name, area FROM address_localities WHERE ${whole.sql} ORDER BY name_key, id LIMIT ${n}`, whole.params)) as Found[];
    if (first.length >= n) return first.map(found);
    const word = this.startsWith('w.word_key', key);
    const later = (await q.query(
      `SELECT l.id, l.name, l.area FROM address_locality_words w JOIN address_localities l ON l.id = w.locality_id
       WHERE ${word.sql} ORDER BY w.word_key, l.id LIMIT ${n * 2}`,
      word.params,
    )) as Found[];
    return dedupe([...first, ...later].map(found), n);
  }

  /** Streets of a locality whose name, or a later word of it, starts with `key` (all of them, alphabetically, for an empty key). */
  async searchStreets(localityId: number, key: string, limit: number): Promise<Found[]> {
    const n = limitOf(limit);
    const q = this.deps.db.dataSource.manager;
    const whole = this.startsWith('name_key', key);
    const first = (await q.query(
      `SELECT id, name FROM address_streets WHERE locality_id = ? AND ${key ? whole.sql : '1 = 1'} ORDER BY name_key, id LIMIT ${n}`,
      key ? [localityId, ...whole.params] : [localityId],
    )) as Found[];
    if (first.length >= n || !key) return first.map(found);
    // Within one locality's index range: a few thousand keys at most, even for a capital city.
    const later = (await q.query(`SELECT id, name FROM address_streets WHERE locality_id = ? AND name_key LIKE ? ORDER BY name_key, id LIMIT ${n}`, [
      localityId,
      `% ${key}%`,
    ])) as Found[];
    return dedupe([...first, ...later].map(found), n);
  }
}

const found = (r: Found): Found => ({ ...r, id: num(r.id) });
function dedupe(rows: Found[], n: number): Found[] {
  const seen = new Set<number>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id)).slice(0, n);
}
