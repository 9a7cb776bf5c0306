import { parse as parseCsv } from 'csv-parse/sync';
import { inScope, type Actor } from '../core/access';
import type { AuditRepository } from '../core/audit.repository';
import type { Database } from '../core/db/database';
import { AppError, badRequest, forbidden } from '../core/errors';
import type { DepartmentRepository } from '../register/module';
import { assertMayPush, pushScope } from './access';
import type { RosterPeopleRepository } from './people.repository';
import type { NormalPerson, RosterPeopleService } from './people.service';
import { externalIdParam, personBody } from './schemas';

/*
 * A whole roster of one unit as CSV, in one import: every row checked with the same schema as a
 * push, then compared with what the unit holds. A dry run reports what would change and writes
 * nothing; a real import with any rejected row is refused whole (400, the same report), so a
 * half-read file never removes half a school. People of the unit missing from the file are removed.
 *
 * Columns (header row, "," or ";"): externalId, name, phone, kind, groups (";"- or "|"-separated),
 * startDate, endDate, language, guardian1Name, guardian1Phone, guardian2Name, guardian2Phone.
 */

export const MAX_ROSTER_BYTES = 4 * 1024 * 1024;
export const MAX_ROSTER_ROWS = 20_000;

export interface ImportReport {
  unit: string;
  dryRun: boolean;
  rows: number;
  creates: string[];
  updates: string[];
  unchanged: number;
  removals: string[];
  rejected: { row: number; externalId: string | null; reasons: string[] }[];
}

const cell = (r: Record<string, string>, k: string) => {
  const v = r[k];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};

export class RosterImportService {
  constructor(
    private readonly deps: {
      db: Database;
      people: RosterPeopleRepository;
      service: RosterPeopleService;
      departments: DepartmentRepository;
      audit: AuditRepository;
    },
  ) {}

  async import(actor: Actor, unitCode: string, text: string, dryRun: boolean, route: string): Promise<ImportReport> {
    assertMayPush(actor);
    const unit = await this.deps.departments.byCode(unitCode);
    if (!unit) throw badRequest(`No such unit: ${unitCode}`, [{ path: ['unit'], message: 'no such unit' }]);
    if (!inScope(pushScope(actor), unit.id)) throw forbidden('This unit is not one of yours');
    const records = this.rows(text);
    const report: ImportReport = { unit: unit.code, dryRun, rows: records.length, creates: [], updates: [], unchanged: 0, removals: [], rejected: [] };
    const wanted = new Map<string, NormalPerson>();
    records.forEach((r, i) => {
      const row = i + 2; // the header is line 1
      const externalId = cell(r, 'externalId') ?? null;
      const reasons: string[] = [];
      const id = externalIdParam.safeParse(externalId ?? '');
      if (!id.success) reasons.push(`externalId: ${id.error.issues[0].message}`);
      else if (wanted.has(id.data)) reasons.push('externalId: appears twice in the file');
      const guardians = [1, 2].map((n) => ({ name: cell(r, `guardian${n}Name`), phone: cell(r, `guardian${n}Phone`) })).filter((g) => g.name || g.phone);
      const body = personBody.safeParse({
        name: cell(r, 'name'),
        phone: cell(r, 'phone'),
        kind: cell(r, 'kind'),
        unit: unit.code,
        groups: cell(r, 'groups')
          ?.split(/[;|]/)
          .map((g) => g.trim())
          .filter(Boolean),
        startDate: cell(r, 'startDate') ?? null,
        endDate: cell(r, 'endDate') ?? null,
        language: cell(r, 'language'),
        guardians: guardians.length ? guardians : undefined,
      });
      if (!body.success) reasons.push(...body.error.issues.slice(0, 5).map((x) => `${x.path.join('.')}: ${x.message}`));
      else {
        const { person, issues } = this.deps.service.normalise(body.data, unit);
        reasons.push(...issues.map((x) => `${x.path.join('.')}: ${x.message}`));
        if (person && id.success && !reasons.length) wanted.set(id.data, person);
      }
      if (reasons.length && report.rejected.length < 1000) report.rejected.push({ row, externalId, reasons });
    });
    const stored = await this.deps.people.ofUnits([unit.id]);
    const byId = new Map(stored.map((p) => [p.externalId, p]));
    for (const [externalId, p] of wanted) {
      const existing = byId.get(externalId) ?? (await this.deps.people.byExternalId(externalId));
      if (existing && existing.departmentId !== unit.id && existing.removedAt === null) {
        report.rejected.push({ row: 0, externalId, reasons: ['externalId: belongs to another unit'] });
        wanted.delete(externalId);
      } else if (!existing) report.creates.push(externalId);
      else if (existing.fingerprint !== p.fingerprint || existing.removedAt) report.updates.push(externalId);
      else report.unchanged++;
    }
    for (const p of stored) if (!p.removedAt && !wanted.has(p.externalId)) report.removals.push(p.externalId);
    if (dryRun) return report;
    if (report.rejected.length)
      throw new AppError(400, 'invalid_rows', `${report.rejected.length} row(s) of the file are not valid; nothing was imported`, report);
    const now = new Date();
    await this.deps.db.transaction(async (m) => {
      for (const externalId of [...report.creates, ...report.updates]) {
        const existing = byId.get(externalId) ?? (await this.deps.people.byExternalId(externalId, m));
        await this.deps.service.store(existing, externalId, wanted.get(externalId)!, m);
      }
      for (const externalId of report.removals) await this.deps.people.update(byId.get(externalId)!.id, { removedAt: now, updatedAt: now }, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'roster_person', entityId: `import:${unit.code}`, route }], m);
    });
    return report;
  }

  private rows(text: string): Record<string, string>[] {
    const firstLine = text.slice(0, Math.min(text.length, 4096)).split(/\r?\n/, 1)[0] ?? '';
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    let records: Record<string, string>[];
    try {
      records = parseCsv(text, { columns: true, delimiter, skip_empty_lines: true, bom: true, max_record_size: 8 * 1024, to: MAX_ROSTER_ROWS + 1 });
    } catch (e) {
      throw badRequest(`The file is not readable CSV: ${(e as Error).message.slice(0, 200)}`);
    }
    if (records.length > MAX_ROSTER_ROWS) throw new AppError(413, 'too_large', `At most ${MAX_ROSTER_ROWS} people per import`);
    const header = Object.keys(records[0] ?? {});
    for (const need of ['externalId', 'name', 'phone', 'kind'])
      if (records.length && !header.includes(need)) throw badRequest(`The header has no ${need} column`, [{ path: ['header'], message: `missing ${need}` }]);
    return records;
  }
}
