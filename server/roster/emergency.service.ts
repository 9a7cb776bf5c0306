import { isAdmin, type Actor } from '../core/access';
import type { Database } from '../core/db/database';
import { isUniqueViolation } from '../core/db/database';
import { toDate } from '../core/db/entity-sql';
import { forbidden, notFound } from '../core/errors';
import type { DepartmentRepository } from '../register/module';
import type { SmsFeature, SmsReceived, SmsSend } from '../sms/module';
import { RosterEmergencyAnswerEntity, RosterEmergencyEntity } from './entities';
import type { RosterPeopleRepository } from './people.repository';

/** Answers count for this long after the emergency went out. */
const ANSWER_WINDOW_MS = 48 * 3600_000;
/** How long a process trusts what it last read of the newest emergency asking for answers. */
const RECHECK_MS = 1_000;
const MAX_LISTED = 2000;

/*
 * The emergency message: everyone of a unit (or, for an admin, the whole municipality) through the
 * one send engine with its emergency flag: no quiet hours, ahead of every queued send. When it asks
 * for an answer, any SMS the recipient sends back to the number it came from within 48 hours is
 * matched to it and counted once; who has not answered is listed.
 */
export class RosterEmergencies {
  /** The newest emergency asking for answers (ms), or null for none, as read at `checkedAt` (wall clock). */
  private newest: Promise<{ checkedAt: number; at: number | null }> | null = null;

  constructor(
    private readonly deps: {
      db: Database;
      sms: SmsFeature;
      people: RosterPeopleRepository;
      departments: DepartmentRepository;
      clock: () => Date;
    },
  ) {}

  async send(
    actor: Actor & { totpEnabled?: boolean },
    req: { unit?: string; body: string; askReply?: boolean; guardians?: boolean | 'only'; from?: string },
    route: string,
  ) {
    if (!req.unit && !isAdmin(actor)) throw forbidden('Name your unit: only an administrator sends to the whole municipality');
    const unit = req.unit ? await this.deps.departments.byCode(req.unit) : null;
    const audience = {
      roster: { ...(req.unit ? { unit: req.unit } : {}), everyone: true as const, ...(req.guardians !== undefined ? { guardians: req.guardians } : {}) },
    };
    const result = await this.deps.sms.sends.send(actor, { to: [], body: req.body, from: req.from, audience, emergency: true }, route);
    await this.deps.db.transaction((m) =>
      m.getRepository(RosterEmergencyEntity).insert({
        sendId: result.send.id,
        departmentId: unit?.id ?? null,
        askReply: req.askReply === true,
        createdBy: actor.id,
        createdAt: this.deps.clock(),
      }),
    );
    this.newest = null;
    return { ...result.send, askReply: req.askReply === true };
  }

  /** An SMS back to the number an emergency asking for answers came from: counted once per number. */
  async received(sms: SmsReceived): Promise<boolean> {
    const newest = await this.newestAskingForAnswers();
    if (newest === null || newest < sms.at.getTime() - ANSWER_WINDOW_MS) return false;
    const since = this.deps.db.param(new Date(sms.at.getTime() - ANSWER_WINDOW_MS));
    const rows = (await this.deps.db.dataSource.query(
      'SELECT e.send_id AS sendId FROM roster_emergencies e JOIN sms_sends s ON s.id = e.send_id JOIN sms_outbound o ON o.send_id = e.send_id JOIN messages x ON x.id = o.message_id ' +
        'WHERE e.ask_reply = 1 AND s.sender = ? AND x.to_address = ? AND e.created_at >= ? ORDER BY e.send_id DESC LIMIT 1',
      [sms.ourNumber, sms.phone, since],
    )) as { sendId: number | string }[];
    if (!rows.length) return false;
    try {
      await this.deps.db.transaction((m) =>
        m.getRepository(RosterEmergencyAnswerEntity).insert({ sendId: Number(rows[0].sendId), phone: sms.phone, messageId: sms.messageId, at: sms.at }),
      );
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    return true;
  }

  /**
   * When the newest emergency asking for answers went out. Nearly no inbound SMS answers one, and
   * the four-table match above, run for every inbound SMS, was a round trip of its own and most of
   * MariaDB's extra work per message (issue 13); one single-table read a second per process answers
   * for all of them. Another process's new emergency is seen within that second, and no answer can
   * come sooner: the question must first be dispatched, delivered and read. This process's own
   * emergencies clear it at once.
   */
  private async newestAskingForAnswers(): Promise<number | null> {
    const read = this.newest;
    if (read) {
      const seen = await read;
      if (Date.now() - seen.checkedAt < RECHECK_MS) return seen.at;
      if (this.newest !== read) return this.newestAskingForAnswers();
    }
    const checkedAt = Date.now();
    const next = (this.newest = (async () => {
      const [row] = (await this.deps.db.dataSource.query('SELECT MAX(created_at) AS newest FROM roster_emergencies WHERE ask_reply = 1')) as {
        newest: Date | string | null;
      }[];
      return { checkedAt, at: row?.newest ? toDate(row.newest).getTime() : null };
    })());
    next.catch(() => {
      if (this.newest === next) this.newest = null;
    });
    return (await next).at;
  }

  /** GET /api/roster/emergencies/:id: the send's progress, answers counted, and who has not answered. */
  async view(actor: Actor, sendId: number) {
    const e = await this.deps.db.dataSource.manager.getRepository(RosterEmergencyEntity).findOne({ where: { sendId } });
    if (!e) throw notFound('Emergency');
    if (!isAdmin(actor) && (e.departmentId === null || !actor.departmentIds.includes(e.departmentId))) throw notFound('Emergency');
    const send = await this.deps.db.dataSource.manager.getRepository<SmsSend>('SmsSend').findOne({ where: { id: sendId } });
    if (!send) throw notFound('Emergency');
    const view = await this.deps.sms.sends.view(send);
    const recipients = (await this.deps.db.dataSource.query(
      'SELECT x.to_address AS phone, x.status AS status FROM sms_outbound o JOIN messages x ON x.id = o.message_id WHERE o.send_id = ? ORDER BY x.id',
      [sendId],
    )) as { phone: string; status: string }[];
    const answered = new Set(
      ((await this.deps.db.dataSource.query('SELECT phone FROM roster_emergency_answers WHERE send_id = ?', [sendId])) as { phone: string }[]).map(
        (r) => r.phone,
      ),
    );
    const missing = recipients.filter((r) => !answered.has(r.phone) && r.status !== 'stopped');
    const names = await this.deps.people.namesOf(missing.slice(0, MAX_LISTED).map((r) => r.phone));
    return {
      ...view,
      askReply: e.askReply,
      answers: answered.size,
      notAnswered: missing.slice(0, MAX_LISTED).map((r) => ({ phone: r.phone, name: names.get(r.phone) ?? null, status: r.status })),
      notAnsweredCount: missing.length,
    };
  }
}
