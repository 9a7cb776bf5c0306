import type { EntityManager } from 'typeorm';
import type { AuditRepository } from '../core/audit.repository';
import type { Database } from '../core/db/database';
import { AppError, badRequest } from '../core/errors';
import { nextTurn } from './address-register-csv';
import { readRegisterFile, type ColumnMapping, type Format, type RegisterFile } from './address-register-files';
import type { AddressRegisterRepository, KnownLocality, KnownPoint, KnownStreet } from './address-register.repository';
import { fold } from '../core/search-fold';

/*
 * Importing a register file: everything in one transaction, so a file is applied whole or not at
 * all. Rows are matched on the source's codes, so ids stay and names are updated. What a newer
 * file no longer lists, within the part of the register it speaks for, is removed, unless a
 * resident chose it: then it stays, and the answer names it for the admin to look at.
 */

export interface Tally {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
}
export interface KeptPlace {
  kind: 'locality' | 'street';
  id: string;
  name: string;
  /** How many residents chose it (or, for a locality, it or one of its streets). */
  residents: number;
}
export interface ImportReport {
  format: string;
  encoding: string;
  rows: number;
  localities: Tally;
  streets: Tally;
  addresses: Tally;
  /** Gone from the source but chosen by residents, so still in the register. */
  kept: KeptPlace[];
  skipped: { line: number; reason: string }[];
  skippedCount: number;
}
export interface ImportAnswer {
  localities: number;
  streets: number;
  addresses: number;
  report: ImportReport;
}

const localityKey = (name: string) => fold(name).slice(0, 128).trim();
const tally = (): Tally => ({ added: 0, updated: 0, unchanged: 0, removed: 0 });
const newReport = (file: RegisterFile): ImportReport => ({
  format: file.format,
  encoding: file.encoding,
  rows: file.rows,
  localities: tally(),
  streets: tally(),
  addresses: tally(),
  kept: [],
  skipped: [...file.skipped],
  skippedCount: file.skippedCount,
});
const KEPT_SHOWN = 200;
/** Rows compared between turns of the event loop. */
const TURN = 5000;

/** `fn` on each item, letting other requests in every TURN items: a whole country is hundreds of thousands of rows. */
async function inTurns<T>(items: Iterable<T>, fn: (item: T) => unknown): Promise<void> {
  let i = 0;
  for (const item of items) {
    fn(item);
    if (++i % TURN === 0) await nextTurn();
  }
}

export class AddressRegisterService {
  private running = false;

  constructor(private readonly deps: { db: Database; repo: AddressRegisterRepository; audit: AuditRepository; clock: () => Date }) {}

  /** Reads a file as sent (bytes in any of the accepted encodings) and imports it. */
  async importFile(
    bytes: Buffer,
    format: Format,
    mapping: ColumnMapping | null,
    who: { userId: number | null; route: string; ip?: string | null },
  ): Promise<ImportAnswer> {
    return this.import(await readRegisterFile(bytes, format, mapping), who);
  }

  async import(file: RegisterFile, who: { userId: number | null; route: string; ip?: string | null }): Promise<ImportAnswer> {
    // One at a time: two imports comparing against the same rows would each add what the other adds.
    if (this.running) throw new AppError(409, 'import_running', 'Another address register import is running; try again when it has finished');
    this.running = true;
    try {
      let report = newReport(file);
      const counts = await this.deps.db.transaction(async (m) => {
        // A deadlock retry runs this again from the start: count afresh.
        report = newReport(file);
        const at = this.deps.clock();
        const source = file.format === 'csv' ? 'csv' : 'teryt';
        const localityIds = file.format === 'teryt-ulic' ? await this.knownIds(m, source) : await this.applyLocalities(m, file, source, report, at);
        if (file.format !== 'teryt-simc') await this.applyStreets(m, file, localityIds, report, at);
        if (file.format === 'csv') await this.applyPoints(m, file, localityIds, report, at);
        await this.deps.audit.record(
          [{ userId: who.userId, action: 'update', entityType: 'address_register', entityId: file.format, route: who.route, ip: who.ip }],
          m,
        );
        return this.deps.repo.counts(m);
      });
      report.kept = report.kept.slice(0, KEPT_SHOWN);
      return { ...counts, report };
    } finally {
      this.running = false;
    }
  }

  private async knownIds(m: EntityManager, source: string): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    await inTurns(await this.deps.repo.localities(m, source), (l) => ids.set(l.code, l.id));
    return ids;
  }

  private async applyLocalities(m: EntityManager, file: RegisterFile, source: string, report: ImportReport, at: Date): Promise<Map<string, number>> {
    const { repo } = this.deps;
    const known = new Map<string, KnownLocality>();
    await inTurns(await repo.localities(m, source), (l) => known.set(l.code, l));
    const ids = new Map<string, number>();
    const fresh: Omit<KnownLocality, 'id'>[] = [];
    let i = 0;
    for (const l of file.localities.values()) {
      if (++i % TURN === 0) await nextTurn();
      const was = known.get(l.code);
      if (!was) {
        fresh.push(l);
        continue;
      }
      ids.set(l.code, was.id);
      // A generic CSV without an area column says nothing about the area: keep what is there.
      const area = file.format === 'csv' && l.area === null ? was.area : l.area;
      if (was.name === l.name && was.area === area) report.localities.unchanged++;
      else {
        await repo.updateLocality(m, was.id, { name: l.name, nameKey: localityKey(l.name), area }, at);
        report.localities.updated++;
      }
    }
    for (const [code, id] of await repo.addLocalities(m, fresh, localityKey, source, at)) ids.set(code, id);
    report.localities.added = fresh.length;

    // A TERYT SIMC file speaks for the municipalities it lists; a generic CSV removes no locality.
    if ('areas' in file.scope) {
      const areas = file.scope.areas;
      const gone: KnownLocality[] = [];
      await inTurns(known.values(), (l) => l.area !== null && areas.has(l.area) && !file.localities.has(l.code) && gone.push(l));
      const chosen = await repo.chosenLocalities(
        m,
        gone.map((l) => l.id),
      );
      for (const l of gone) if (chosen.has(l.id)) report.kept.push({ kind: 'locality', id: String(l.id), name: l.name, residents: chosen.get(l.id) ?? 0 });
      const removed = gone.filter((l) => !chosen.has(l.id)).map((l) => l.id);
      await repo.removeLocalities(m, removed);
      report.localities.removed = removed.length;
    }
    return ids;
  }

  private async applyStreets(m: EntityManager, file: RegisterFile, localityIds: Map<string, number>, report: ImportReport, at: Date): Promise<void> {
    const { repo } = this.deps;
    // The localities this file speaks for: its municipalities' (TERYT) or the ones it lists (CSV).
    const scope = new Set<number>();
    if ('areas' in file.scope) {
      const areas = file.scope.areas;
      await inTurns(await repo.localities(m, 'teryt'), (l) => l.area !== null && areas.has(l.area) && scope.add(l.id));
    } else for (const code of file.scope.localities) scope.add(localityIds.get(code) as number);

    const unknown = new Map<string, number>();
    const wanted = new Map<string, Omit<KnownStreet, 'id'>>();
    await inTurns(file.streets.values(), (s) => {
      const localityId = localityIds.get(s.locality);
      if (localityId === undefined) {
        unknown.set(s.locality, (unknown.get(s.locality) ?? 0) + 1);
        return;
      }
      scope.add(localityId);
      wanted.set(`${localityId}\t${s.code}`, { localityId, code: s.code, name: s.name, nameKey: s.nameKey });
    });
    for (const [sym, n] of unknown) {
      report.skippedCount += n;
      if (report.skipped.length < 100)
        report.skipped.push({ line: 0, reason: `${n} street(s) of locality SYM ${sym}, which is not in the register (import its teryt-simc file first)` });
    }
    if (file.format === 'teryt-ulic' && !wanted.size)
      throw badRequest('None of these streets belongs to a locality in the register; import the localities (format=teryt-simc) first', {
        unknownLocalities: [...unknown.keys()].slice(0, 20),
      });

    const known = await repo.streetsOf(m, [...scope]);
    const fresh: Omit<KnownStreet, 'id'>[] = [];
    const knownByKey = new Map<string, KnownStreet>();
    await inTurns(known, (s) => knownByKey.set(`${s.localityId}\t${s.code}`, s));
    let i = 0;
    for (const [key, s] of wanted) {
      if (++i % TURN === 0) await nextTurn();
      const was = knownByKey.get(key);
      if (!was) fresh.push(s);
      else if (was.name === s.name && was.nameKey === s.nameKey) report.streets.unchanged++;
      else {
        await repo.updateStreet(m, was.id, { name: s.name, nameKey: s.nameKey }, at);
        report.streets.updated++;
      }
    }
    await repo.addStreets(m, fresh, at);
    report.streets.added = fresh.length;

    const gone: KnownStreet[] = [];
    await inTurns(known, (s) => !wanted.has(`${s.localityId}\t${s.code}`) && gone.push(s));
    const chosen = await repo.chosenStreets(
      m,
      gone.map((s) => s.id),
    );
    for (const s of gone) if (chosen.has(s.id)) report.kept.push({ kind: 'street', id: String(s.id), name: s.name, residents: chosen.get(s.id) ?? 0 });
    const removed = gone.filter((s) => !chosen.has(s.id)).map((s) => s.id);
    await repo.remove(m, 'address_points', removed, 'street_id');
    await repo.remove(m, 'address_streets', removed);
    report.streets.removed = removed.length;
  }

  private async applyPoints(m: EntityManager, file: RegisterFile, localityIds: Map<string, number>, report: ImportReport, at: Date): Promise<void> {
    const { repo } = this.deps;
    const scope = [...(file.scope as { localities: Set<string> }).localities].map((c) => localityIds.get(c) as number);
    const streetIds = await repo.streetIds(m, scope);
    const known = new Map<string, KnownPoint>();
    await inTurns(await repo.pointsOf(m, scope), (p) => known.set(pointKey(p.localityId, p.streetId, p.number), p));
    const seen = new Set<string>();
    const fresh: { localityId: number; streetId: number | null; number: string; postcode: string | null }[] = [];
    let i = 0;
    for (const p of file.points.values()) {
      if (++i % TURN === 0) await nextTurn();
      const localityId = localityIds.get(p.locality) as number;
      const streetId = p.street === null ? null : (streetIds.get(`${localityId}\t${p.street}`) ?? null);
      const key = pointKey(localityId, streetId, p.number);
      seen.add(key);
      const was = known.get(key);
      if (!was) fresh.push({ localityId, streetId, number: p.number, postcode: p.postcode });
      else if (was.postcode === p.postcode) report.addresses.unchanged++;
      else {
        await repo.updatePoint(m, was.id, p.postcode, at);
        report.addresses.updated++;
      }
    }
    await repo.addPoints(m, fresh, at);
    report.addresses.added = fresh.length;
    const removed: number[] = [];
    await inTurns(known, ([k, p]) => !seen.has(k) && removed.push(p.id));
    await repo.remove(m, 'address_points', removed);
    report.addresses.removed = removed.length;
  }

  /** What the register holds. */
  counts() {
    return this.deps.repo.counts();
  }

  async localities(q: string, limit: number) {
    const key = fold(q);
    if (!key) return [];
    return (await this.deps.repo.searchLocalities(key, limit)).map((l) => ({ id: String(l.id), name: l.name, area: l.area ?? null }));
  }

  async streets(localityId: number, q: string, limit: number) {
    return (await this.deps.repo.searchStreets(localityId, fold(q), limit)).map((s) => ({ id: String(s.id), name: s.name }));
  }
}

const pointKey = (localityId: number, streetId: number | null, number: string) => `${localityId}\t${streetId ?? ''}\t${number.toLowerCase()}`;
