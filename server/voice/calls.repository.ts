import type { EntityManager } from 'typeorm';
import { type Database, isUniqueViolation } from '../core/db/database';
import { fromRow, insertRow, rowCount, rowsChanged, selectList, setClause } from '../core/db/entity-sql';
import type { Statement } from '../core/db/transactions';
import { limitOf, placeholders } from '../core/db/placeholders';
import { CallEntity, type CallOutcome, type CallRecord } from './entities';

type CallPatch = Partial<Omit<CallRecord, 'id' | 'callSid' | 'createdAt' | 'updatedAt'>>;

/**
 * Calls. Every state change is one conditional UPDATE whose affected-row count says whether it
 * happened, so two server processes (or two agents) can never both take or move the same call.
 * Plain SQL from the entity's mapping (core/db/entity-sql.ts): a routed call passes here six to
 * eight times, and the query builder's assembly of each statement cost more CPU than the statement.
 */
export class CallRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private manager(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  private select(m: EntityManager) {
    return `SELECT ${selectList(m, CallEntity, 'c')} FROM calls c`;
  }

  async bySid(callSid: string, m?: EntityManager): Promise<CallRecord | null> {
    const mm = this.manager(m);
    const rows: Record<string, unknown>[] = await mm.query(`${this.select(mm)} WHERE c.call_sid = ?`, [callSid]);
    return rows.length ? fromRow(mm, CallEntity, rows[0]) : null;
  }

  /**
   * The call locked until the transaction commits (on MariaDB and MySQL; SQLite's writes are
   * serialised anyway), as a statement for the transaction's first read; its row gives the call
   * through {@link callFrom}.
   */
  lockingBySid(callSid: string): Statement {
    const m = this.manager();
    return { sql: `${this.select(m)} WHERE c.call_sid = ?${this.deps.db.dialect === 'mysql' ? ' FOR UPDATE' : ''}`, params: [callSid] };
  }

  /** SQL that gives the caller's number of this call, for a read in the same batch as its claim. */
  fromOf(callSid: string): Statement {
    return { sql: '(SELECT cf.from_e164 FROM calls cf WHERE cf.call_sid = ?)', params: [callSid] };
  }

  callFrom(rows: Record<string, unknown>[]): CallRecord | null {
    return rows.length ? fromRow(this.manager(), CallEntity, rows[0]) : null;
  }

  /**
   * The first webhook of a call writes it; Twilio's retry of that webhook finds it. Insert first,
   * read on the duplicate key: the retry is the rare case, and the insert alone autocommits.
   */
  async insertOnce(row: Pick<CallRecord, 'callSid' | 'fromE164' | 'toNumber' | 'lang'>, now: Date): Promise<CallRecord> {
    const full: Omit<CallRecord, 'id'> = {
      ...row,
      state: 'menu',
      departmentId: null,
      inquiryId: null,
      messageId: null,
      agentId: null,
      transferFromId: null,
      transferNote: null,
      outcome: null,
      duration: null,
      queuedAt: null,
      notifiedAt: null,
      answeredAt: null,
      endedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      return { ...full, id: await this.deps.db.statement((m) => insertRow(this.deps.db, m, CallEntity, full)) };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return (await this.bySid(row.callSid))!;
    }
  }

  /** One conditional UPDATE of the call: `where` (with `?` for `params`) must also hold; true if it did. */
  private async change(callSid: string, set: CallPatch, where: string, params: unknown[], m?: EntityManager, raw?: Statement) {
    const run = (tm: EntityManager) => {
      const u = this.changing(callSid, set, where, params, tm, raw);
      return rowsChanged(tm, u.sql, u.params);
    };
    return (m ? await run(m) : await this.deps.db.statement(run)) > 0;
  }

  private changing(callSid: string, set: CallPatch, where: string, params: unknown[], m: EntityManager, raw?: Statement): Statement {
    const s = setClause(this.deps.db, m, CallEntity, { ...set, updatedAt: this.deps.clock() });
    return {
      sql: `UPDATE calls SET ${s.sql}${raw ? `, ${raw.sql}` : ''} WHERE call_sid = ? AND ${where}`,
      params: [...s.params, ...(raw?.params ?? []), callSid, ...params],
    };
  }

  /**
   * The first queue entry of a routed call as statements to send with its inquiry's commit, followed
   * by whether it queued the call (`{ queued }`): `inquiryId` and `messageId` are SQL for the ids
   * the same commit stores.
   */
  queueing(callSid: string, v: { departmentId: number; inquiryId: Statement; messageId: Statement; lang: string; at: Date }): Statement[] {
    const set: CallPatch = { state: 'queued', departmentId: v.departmentId, agentId: null, lang: v.lang, queuedAt: v.at, notifiedAt: v.at };
    const ids = { sql: `inquiry_id = ${v.inquiryId.sql}, message_id = ${v.messageId.sql}`, params: [...v.inquiryId.params, ...v.messageId.params] };
    return [this.changing(callSid, set, "state <> 'ended'", [], this.manager(), ids), { sql: `SELECT ${rowCount(this.deps.db)} AS queued`, params: [] }];
  }

  /**
   * Into a department's queue (first routing, a re-queue after no answer, or a transfer to a
   * department). `announced` marks call:incoming as going out right after this commits, which
   * saves markNotified's own write when the caller announces at once.
   */
  queue(
    callSid: string,
    v: {
      departmentId: number;
      inquiryId: number | null;
      messageId: number | null;
      lang: string;
      at: Date;
      transferFromId?: number | null;
      transferNote?: string | null;
      fromAgentId?: number;
      announced?: boolean;
    },
    m?: EntityManager,
  ) {
    const set: CallPatch = {
      state: 'queued',
      departmentId: v.departmentId,
      agentId: null,
      lang: v.lang,
      queuedAt: v.at,
      notifiedAt: v.announced ? v.at : null,
    };
    if (v.inquiryId !== null) set.inquiryId = v.inquiryId;
    if (v.messageId !== null) set.messageId = v.messageId;
    if (v.transferFromId !== undefined) set.transferFromId = v.transferFromId;
    if (v.transferNote !== undefined) set.transferNote = v.transferNote;
    if (v.fromAgentId !== undefined) return this.change(callSid, set, "state = 'connected' AND agent_id = ?", [v.fromAgentId], m);
    return this.change(callSid, set, "state <> 'ended'", [], m);
  }

  /** The one agent whose UPDATE finds the call still queued gets it. */
  claim(callSid: string, agentId: number, at: Date): Promise<boolean> {
    return this.change(callSid, { state: 'connected', agentId }, "state = 'queued'", [], undefined, {
      sql: 'answered_at = COALESCE(answered_at, ?)',
      params: [this.deps.db.param(at)],
    });
  }

  /**
   * claim as statements for a batch, for an agent of these departments only, followed by whether
   * it claimed (`{ claimed }`) and the call as it is now (the rows for {@link claimedFrom}): the
   * accept's claim and its read of the call in one round trip.
   */
  claiming(callSid: string, agentId: number, departmentIds: number[] | 'all', at: Date): Statement[] {
    const m = this.manager();
    const s = setClause(this.deps.db, m, CallEntity, { state: 'connected', agentId, updatedAt: this.deps.clock() });
    const ids = departmentIds === 'all' ? null : departmentIds.length ? departmentIds : [-1];
    return [
      {
        sql: `UPDATE calls SET ${s.sql}, answered_at = COALESCE(answered_at, ?) WHERE call_sid = ? AND state = 'queued'${ids ? ` AND department_id IN (${placeholders(ids)})` : ''}`,
        params: [...s.params, this.deps.db.param(at), callSid, ...(ids ?? [])],
      },
      { sql: `SELECT ${rowCount(this.deps.db)} AS claimed`, params: [] },
      { sql: `${this.select(m)} WHERE c.call_sid = ?`, params: [callSid] },
    ];
  }

  /** What {@link claiming}'s rows say: whether this agent got the call, and the call (null if there is none). */
  claimedFrom(rows: Record<string, unknown>[][]): { claimed: boolean; call: CallRecord | null } {
    const [[count], [row]] = rows;
    return { claimed: Number(count?.claimed) > 0, call: row ? fromRow(this.manager(), CallEntity, row) : null };
  }

  /** Gives a claimed call back to the queue when it could not be moved to the agent. */
  release(callSid: string, agentId: number): Promise<boolean> {
    return this.change(callSid, { state: 'queued', agentId: null }, "state = 'connected' AND agent_id = ?", [agentId]);
  }

  /** Marks that call:incoming went out; true for the one caller that should send it. */
  markNotified(callSid: string, at: Date): Promise<boolean> {
    return this.change(callSid, { notifiedAt: at }, "state = 'queued' AND notified_at IS NULL", []);
  }

  /** Hands a connected call from one user to another. */
  transferToUser(callSid: string, fromAgentId: number, toUserId: number, note: string, m?: EntityManager): Promise<boolean> {
    return this.change(
      callSid,
      { agentId: toUserId, transferFromId: fromAgentId, transferNote: note },
      "state = 'connected' AND agent_id = ?",
      [fromAgentId],
      m,
    );
  }

  end(callSid: string, v: { outcome: CallOutcome; duration: number | null; at: Date }, m?: EntityManager): Promise<boolean> {
    return this.change(callSid, { state: 'ended', outcome: v.outcome, duration: v.duration, endedAt: v.at }, "state <> 'ended'", [], m);
  }

  /** end as a statement for a transaction's commitWith, once the call is locked. */
  ending(callSid: string, v: { outcome: CallOutcome; duration: number | null; at: Date }): Statement {
    const set: CallPatch = { state: 'ended', outcome: v.outcome, duration: v.duration, endedAt: v.at };
    return this.changing(callSid, set, "state <> 'ended'", [], this.manager());
  }

  /** A call that left a call-back request: its outcome and the inquiry it opened. */
  markCallback(callSid: string, v: { inquiryId: number; departmentId: number }, m?: EntityManager): Promise<boolean> {
    return this.change(callSid, { outcome: 'callback', inquiryId: v.inquiryId, departmentId: v.departmentId }, "state <> 'ended'", [], m);
  }

  /** Calls waiting in these departments' queues, oldest first: what an agent who becomes available is offered. */
  async waitingIn(departmentIds: number[] | 'all', limit = 50): Promise<CallRecord[]> {
    const m = this.manager();
    const ids = departmentIds === 'all' ? null : departmentIds.length ? departmentIds : [-1];
    const rows: Record<string, unknown>[] = await m.query(
      `${this.select(m)} WHERE c.state = 'queued'${ids ? ` AND c.department_id IN (${placeholders(ids)})` : ''} ORDER BY c.id ASC LIMIT ${limitOf(limit)}`,
      ids ?? [],
    );
    return rows.map((r) => fromRow(m, CallEntity, r));
  }
}
