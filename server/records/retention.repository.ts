import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import type { Channel } from '../contracts/names';
import { specificity, type RetentionKind, type RetentionRule } from './retention';

/* The retention rules, legal holds and purge runs (tables of migration CreateRetention). */

export interface LegalHold {
  id: number;
  contactId: number | null;
  caseId: number | null;
  reason: string;
  createdBy: number | null;
  createdAt: Date;
  releasedAt: Date | null;
}

export interface PurgeRun {
  id: number;
  startedAt: Date;
  finishedAt: Date | null;
  state: 'running' | 'done' | 'failed';
  counts: unknown;
}

/** The id an INSERT made: MariaDB's result header carries insertId, SQLite's structured result the last row id. */
function insertId(result: unknown): number {
  const raw = (result as { raw?: unknown }).raw;
  return Number(typeof raw === 'object' && raw !== null ? (raw as { insertId: unknown }).insertId : raw);
}

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`));
const orNull = <T>(v: unknown, f: (x: unknown) => T): T | null => (v === null || v === undefined ? null : f(v));

export class RetentionRepository {
  constructor(private readonly deps: { db: Database }) {}

  private q(sql: string, params: unknown[] = [], m?: EntityManager): Promise<Record<string, unknown>[]> {
    return (m ?? this.deps.db.dataSource.manager).query(sql, params);
  }

  async rules(m?: EntityManager): Promise<RetentionRule[]> {
    const rows = await this.q('SELECT id, kind, channel, department_id, keep_days FROM retention_rules ORDER BY kind, specificity, id', [], m);
    return rows.map((r) => ({
      id: Number(r.id),
      kind: String(r.kind) as RetentionKind,
      channel: r.channel === '*' ? null : (String(r.channel) as Channel),
      departmentId: Number(r.department_id) || null,
      keepDays: Number(r.keep_days),
    }));
  }

  /** Replaces every rule in one transaction (the caller's). */
  async replaceRules(rules: Omit<RetentionRule, 'id'>[], by: number, m: EntityManager): Promise<void> {
    await m.query('DELETE FROM retention_rules');
    const now = this.deps.db.param(new Date());
    for (const r of rules)
      await m.query('INSERT INTO retention_rules (kind, channel, department_id, specificity, keep_days, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        r.kind,
        r.channel ?? '*',
        r.departmentId ?? 0,
        specificity(r),
        r.keepDays,
        by,
        now,
      ]);
  }

  async holds(opts: { active?: boolean } = {}): Promise<LegalHold[]> {
    const rows = await this.q(
      `SELECT id, contact_id, case_id, reason, created_by, created_at, released_at FROM legal_holds ${opts.active ? 'WHERE released_at IS NULL' : ''} ORDER BY id DESC`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      contactId: orNull(r.contact_id, Number),
      caseId: orNull(r.case_id, Number),
      reason: String(r.reason),
      createdBy: orNull(r.created_by, Number),
      createdAt: date(r.created_at),
      releasedAt: orNull(r.released_at, date),
    }));
  }

  async addHold(h: { contactId: number | null; caseId: number | null; reason: string; by: number; at: Date }, m: EntityManager): Promise<number> {
    return insertId(
      await m.queryRunner!.query(
        'INSERT INTO legal_holds (contact_id, case_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
        [h.contactId, h.caseId, h.reason, h.by, this.deps.db.param(h.at)],
        true,
      ),
    );
  }

  /** Ends a hold; false when there is none active with that id. */
  async releaseHold(id: number, by: number, at: Date, m: EntityManager): Promise<boolean> {
    const r = (await m.queryRunner!.query(
      'UPDATE legal_holds SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL',
      [this.deps.db.param(at), by, id],
      true,
    )) as {
      affected?: number;
    };
    return (r.affected ?? 0) > 0;
  }

  /** Whether a contact or a case is under an active hold. */
  async isHeld(target: { contactId?: number; caseIds?: number[] }): Promise<boolean> {
    const cases = target.caseIds ?? [];
    const rows = await this.q(
      `SELECT 1 AS x FROM legal_holds WHERE released_at IS NULL AND (contact_id = ?${cases.length ? ` OR case_id IN (${cases.map(() => '?').join(',')})` : ''}) LIMIT 1`,
      [target.contactId ?? -1, ...cases],
    );
    return rows.length > 0;
  }

  async startRun(at: Date): Promise<number> {
    return this.deps.db.transaction(async (m) =>
      insertId(await m.queryRunner!.query("INSERT INTO purge_runs (started_at, state) VALUES (?, 'running')", [this.deps.db.param(at)], true)),
    );
  }

  async finishRun(id: number, state: 'done' | 'failed', counts: unknown, at: Date): Promise<void> {
    await this.deps.db.transaction((m) =>
      m.query('UPDATE purge_runs SET state = ?, counts = ?, finished_at = ? WHERE id = ?', [state, JSON.stringify(counts), this.deps.db.param(at), id]),
    );
  }

  async runs(limit: number): Promise<PurgeRun[]> {
    const rows = await this.q(`SELECT id, started_at, finished_at, state, counts FROM purge_runs ORDER BY id DESC LIMIT ${Math.floor(limit)}`);
    return rows.map((r) => ({
      id: Number(r.id),
      startedAt: date(r.started_at),
      finishedAt: orNull(r.finished_at, date),
      state: String(r.state) as PurgeRun['state'],
      counts: r.counts ? (JSON.parse(String(r.counts)) as unknown) : null,
    }));
  }
}
