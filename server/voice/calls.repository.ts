import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type Database, isUniqueViolation } from '../core/db/database';
import { CallEntity, type CallOutcome, type CallRecord } from './entities';

/**
 * Calls. Every state change is one conditional UPDATE whose affected-row count says whether it
 * happened, so two server processes (or two agents) can never both take or move the same call.
 */
export class CallRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(CallEntity);
  }

  bySid(callSid: string, m?: EntityManager): Promise<CallRecord | null> {
    return this.repo(m).findOne({ where: { callSid } });
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
      const r = await this.deps.db.statement((m) => this.repo(m).insert({ ...full }));
      return { ...full, id: Number(r.identifiers[0]?.id) };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return (await this.bySid(row.callSid))!;
    }
  }

  private async change(
    callSid: string,
    set: QueryDeepPartialEntity<CallRecord>,
    where: string,
    params: Record<string, unknown>,
    m?: EntityManager,
  ): Promise<boolean> {
    const run = (tm: EntityManager) =>
      tm
        .getRepository(CallEntity)
        .createQueryBuilder()
        .update()
        .set({ ...set, updatedAt: this.deps.clock() })
        .where(`call_sid = :callSid AND ${where}`, { ...params, callSid })
        .execute();
    const r = m ? await run(m) : await this.deps.db.statement(run);
    return (r.affected ?? 0) > 0;
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
    const set: QueryDeepPartialEntity<CallRecord> = {
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
    if (v.fromAgentId !== undefined) return this.change(callSid, set, "state = 'connected' AND agent_id = :agent", { agent: v.fromAgentId }, m);
    return this.change(callSid, set, "state <> 'ended'", {}, m);
  }

  /** The one agent whose UPDATE finds the call still queued gets it. */
  claim(callSid: string, agentId: number, at: Date): Promise<boolean> {
    return this.change(callSid, { state: 'connected', agentId, answeredAt: () => 'COALESCE(answered_at, :answeredAt)' } as never, "state = 'queued'", {
      answeredAt: this.deps.db.param(at),
    });
  }

  /** Gives a claimed call back to the queue when it could not be moved to the agent. */
  release(callSid: string, agentId: number): Promise<boolean> {
    return this.change(callSid, { state: 'queued', agentId: null }, "state = 'connected' AND agent_id = :agentId", { agentId });
  }

  /** Marks that call:incoming went out; true for the one caller that should send it. */
  markNotified(callSid: string, at: Date): Promise<boolean> {
    return this.change(callSid, { notifiedAt: at }, "state = 'queued' AND notified_at IS NULL", {});
  }

  /** Hands a connected call from one user to another. */
  transferToUser(callSid: string, fromAgentId: number, toUserId: number, note: string, m?: EntityManager): Promise<boolean> {
    return this.change(
      callSid,
      { agentId: toUserId, transferFromId: fromAgentId, transferNote: note },
      "state = 'connected' AND agent_id = :fromAgentId",
      { fromAgentId },
      m,
    );
  }

  end(callSid: string, v: { outcome: CallOutcome; duration: number | null; at: Date }, m?: EntityManager): Promise<boolean> {
    return this.change(callSid, { state: 'ended', outcome: v.outcome, duration: v.duration, endedAt: v.at }, "state <> 'ended'", {}, m);
  }

  /** A call that left a call-back request: its outcome and the inquiry it opened. */
  markCallback(callSid: string, v: { inquiryId: number; departmentId: number }, m?: EntityManager): Promise<boolean> {
    return this.change(callSid, { outcome: 'callback', inquiryId: v.inquiryId, departmentId: v.departmentId }, "state <> 'ended'", {}, m);
  }

  /** Calls waiting in these departments' queues, oldest first: what an agent who becomes available is offered. */
  waitingIn(departmentIds: number[] | 'all', limit = 50): Promise<CallRecord[]> {
    const where =
      departmentIds === 'all' ? { state: 'queued' as const } : { state: 'queued' as const, departmentId: In(departmentIds.length ? departmentIds : [-1]) };
    return this.repo().find({ where, order: { id: 'ASC' }, take: limit });
  }
}
