import type { Database } from '../core/db/database';
import { isUniqueViolation } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import type { JobQueue } from '../core/jobs/queue';
import { actsInEveryDepartment, assertAdmin, assertMay, may, type Actor } from '../core/access';
import { badRequest, conflict, notFound } from '../core/errors';
import { decodeCursor, encodeCursor } from '../core/http/cursors';
import { localDate } from '../core/local-time';
import { AUDIENCE_MERGE_FIELDS } from '../../channels/twilio-sms/compose-text';
import type { Audience } from './audience';
import type { BroadcastService } from './broadcast.service';
import type { SmsOutboundService } from './outbound.service';
import { checkRule, nextOccurrence, parseRule } from './recurrence';
import type { SeriesState, SmsHoliday, SmsSeries } from './series.entities';
import type { SmsSeriesRepository } from './series.repository';
import type { SmsSendRepository } from './sends.repository';
import { MAX_AHEAD_MS, type SmsSendService } from './sends.service';
import type { SmsSendJobs } from './send-jobs';

export const SERIES_QUEUE = 'sms-series';
/** The route an occurrence's send is filed under in the audit log (it is made by a job, for the series' author). */
const JOB_ROUTE = 'job sms-series';

export interface SeriesRequest {
  body: string;
  from?: string;
  audience: Audience;
  rrule: string;
  sendAt?: Date;
  skipHolidays?: boolean;
}

export interface SeriesView {
  id: number;
  state: SeriesState;
  rrule: string;
  timeZone: string;
  skipHolidays: boolean;
  sender: string;
  body: string;
  audience: Audience;
  firstAt: Date;
  nextAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
  occurrences?: { occursAt: Date; sendId: number | null; skipped: string | null }[];
}

export interface SmsSeriesDeps {
  db: Database;
  series: SmsSeriesRepository;
  sends: SmsSendRepository;
  service: SmsSendService;
  sendJobs: SmsSendJobs;
  outbound: SmsOutboundService;
  broadcast: BroadcastService;
  jobs: JobQueue;
  audit: AuditRepository;
  clock: () => Date;
  timeZone: string;
}

/**
 * Recurring sends to an audience. A series keeps the rule; each occurrence, when it comes due,
 * becomes a send of its own by a job, resolved from the audience as it is then (residents who
 * joined since are in it), and goes like any other send (quiet hours, approval, pause). The
 * occurrence row, unique by series and time, is written in the send's own transaction: of two
 * processes, or a job run again after a restart, one makes the send and the other nothing.
 */
export class SmsSeriesService {
  constructor(private readonly deps: SmsSeriesDeps) {}

  async create(actor: Actor, req: SeriesRequest, route: string): Promise<SeriesView & { recipients: number }> {
    assertMay(actor, 'sendSms', 'Your role may not send SMS');
    this.deps.outbound.assertTemplate(req.body, AUDIENCE_MERGE_FIELDS);
    const now = this.deps.clock();
    if (req.sendAt && req.sendAt.getTime() < now.getTime()) throw badRequest('sendAt is in the past', [{ path: ['sendAt'], message: 'in the past' }]);
    if (req.sendAt && req.sendAt.getTime() > now.getTime() + MAX_AHEAD_MS)
      throw badRequest('sendAt is more than a year ahead', [{ path: ['sendAt'], message: 'too far ahead' }]);
    const first = req.sendAt ?? now;
    const options = parseRule(req.rrule);
    checkRule(options, first, this.deps.timeZone);
    // An unknown locality or street is a 400 now (a roster unit not the officer's a 403); an audience nobody is in yet may fill by the first occurrence.
    const recipients = await this.deps.broadcast.count(req.audience, false, actor);
    const sender = await this.deps.outbound.senderFor(actor, req.from ?? (await this.deps.broadcast.senderOf(req.audience)) ?? undefined);
    const series = await this.deps.db.transaction(async (m) => {
      const row = await this.deps.series.insert(
        {
          departmentId: sender.departmentId,
          sender: sender.address,
          body: req.body,
          audience: req.audience,
          rrule: req.rrule
            .trim()
            .replace(/^RRULE:/i, '')
            .toUpperCase(),
          timeZone: this.deps.timeZone,
          skipHolidays: req.skipHolidays === true,
          state: 'scheduled',
          firstAt: first,
          nextAt: first,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'sms_send', entityId: `series:${row.id}`, route }], m);
      return row;
    });
    await this.schedule(series.id, first);
    return { ...this.view(series), recipients };
  }

  private schedule(seriesId: number, at: Date): Promise<void> {
    return this.deps.jobs.add(SERIES_QUEUE, { seriesId, at: at.getTime() }, { key: `series-${seriesId}-${at.getTime()}`, runAt: at, attempts: 5 });
  }

  /** The job: the occurrence at `at` becomes a send (once), and the next occurrence is scheduled. */
  async run(seriesId: number, at: Date): Promise<void> {
    const series = await this.deps.series.byId(seriesId);
    if (!series || series.state !== 'scheduled') return;
    const now = this.deps.clock();
    if (at.getTime() > now.getTime() + 1000) {
      // Ran early (another process's clock): once more when due, under a key of its own.
      await this.deps.jobs.add(SERIES_QUEUE, { seriesId, at: at.getTime() }, { key: `series-${seriesId}-${at.getTime()}-due`, runAt: at, attempts: 5 });
      return;
    }
    if (!(await this.deps.series.occurrence(seriesId, at))) await this.occur(series, at, now);
    // After a long stop the series goes on from now: one late send for what was due, not one per missed occurrence.
    const from = new Date(Math.max(at.getTime(), this.deps.clock().getTime()));
    const next = nextOccurrence(parseRule(series.rrule), series.firstAt, series.timeZone, from);
    const moved = await this.deps.db.transaction((m) =>
      this.deps.series.transition(seriesId, next ? 'scheduled' : 'sent', ['scheduled'], { nextAt: next }, this.deps.clock(), m),
    );
    if (moved && next) await this.schedule(seriesId, next);
  }

  private async occur(series: SmsSeries, at: Date, now: Date): Promise<void> {
    const record = (skipped: string) =>
      this.deps.db
        .transaction((m) => this.deps.series.insertOccurrence({ seriesId: series.id, occursAt: at, sendId: null, skipped, createdAt: now }, m))
        .catch((e) => {
          if (!isUniqueViolation(e)) throw e;
        });
    if (series.skipHolidays && (await this.deps.series.isHoliday(localDate(at, series.timeZone)))) return record('holiday');
    const audience = series.audience as Audience;
    const members = await this.deps.broadcast.members(audience, false);
    const outside = await this.deps.service.outsidePrefixes(members.map((m) => m.phone));
    const allowed = outside.size ? members.filter((m) => !outside.has(m.phone.slice(0, 7))) : members;
    if (!allowed.length) return record('nobody');
    const quietEnd = this.deps.sendJobs.quietUntil({ emergency: false, quietHours: true }, now);
    try {
      const send = await this.deps.broadcast.store({
        // The author's choice stands for every occurrence; the gate still holds one that needs approval.
        actor: { id: series.createdBy ?? 0, totpEnabled: true },
        sender: { address: series.sender, departmentId: series.departmentId },
        body: series.body,
        audience,
        emergency: false,
        members: allowed,
        sendAt: null,
        route: JOB_ROUTE,
        quietUntil: quietEnd,
        seriesId: series.id,
        within: async (s, m) => {
          await this.deps.series.insertOccurrence({ seriesId: series.id, occursAt: at, sendId: s.id, skipped: null, createdAt: now }, m);
          // A cancel that committed first wins: this occurrence's send is rolled back with the row.
          if (!(await this.deps.series.transition(series.id, 'scheduled', ['scheduled'], {}, now, m)))
            throw conflict('series_cancelled', 'The series was cancelled');
        },
      });
      if (send.state === 'sending' || send.state === 'scheduled') await this.deps.sendJobs.enqueue(send, quietEnd ?? undefined);
    } catch (e) {
      // Another process made this occurrence, or the series was cancelled meanwhile: nothing to do.
      if (isUniqueViolation(e) || (e as { code?: string }).code === 'series_cancelled') return;
      throw e;
    }
  }

  /** Stops the series: no further occurrences, and an occurrence's send not yet under way is cancelled. */
  async cancel(actor: Actor, id: number, route: string): Promise<SeriesView> {
    const series = await this.visible(actor, id);
    const ok = await this.deps.db.transaction(async (m) => {
      if (!(await this.deps.series.transition(id, 'cancelled', ['scheduled'], { nextAt: null }, this.deps.clock(), m))) return false;
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: `series:${id}`, route }], m);
      return true;
    });
    if (!ok) throw conflict('not_cancellable', `The series is ${(await this.deps.series.byId(id))?.state ?? series.state}`);
    if (series.nextAt) await this.deps.jobs.remove(SERIES_QUEUE, `series-${id}-${series.nextAt.getTime()}`);
    for (const o of await this.deps.series.occurrences(id)) {
      if (!o.sendId) continue;
      const cancelled = await this.deps.sendJobs.hold(
        o.sendId,
        ['scheduled', 'awaiting_approval', 'paused'],
        'cancelled',
        ['scheduled', 'awaiting_approval', 'paused'],
        {
          reason: 'cancelled',
          by: actor.id,
          seriesId: id,
        },
      );
      if (cancelled) await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: o.sendId, route }]);
    }
    return this.get(actor, id);
  }

  async list(actor: Actor, q: { states?: SeriesState[]; cursor?: string; limit?: number }): Promise<{ items: SeriesView[]; nextCursor: string | null }> {
    assertMay(actor, 'sendSms', 'Your role may not see SMS sends');
    const limit = q.limit ?? 50;
    const rows = await this.deps.series.list({
      states: q.states,
      departmentIds: actsInEveryDepartment(actor) ? undefined : actor.departmentIds,
      beforeId: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { items: page.map((s) => this.view(s)), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  async get(actor: Actor, id: number): Promise<SeriesView> {
    const series = await this.visible(actor, id);
    const occurrences = await this.deps.series.occurrences(id);
    return { ...this.view(series), occurrences: occurrences.map((o) => ({ occursAt: o.occursAt, sendId: o.sendId, skipped: o.skipped })) };
  }

  /** After a restart or a Redis flush: every running series' next occurrence has its job (same key: no double). */
  async recover(): Promise<number> {
    const due = await this.deps.series.scheduled();
    for (const s of due) if (s.nextAt) await this.schedule(s.id, s.nextAt);
    return due.length;
  }

  holidays(): Promise<SmsHoliday[]> {
    return this.deps.series.holidays();
  }

  async setHolidays(actor: Actor, items: { day: string; name?: string | null }[], route: string): Promise<SmsHoliday[]> {
    assertAdmin(actor);
    const days = new Set<string>();
    for (const [i, x] of items.entries()) {
      if (days.has(x.day)) throw badRequest(`${x.day} is named twice`, [{ path: ['items', i, 'day'], message: 'named twice' }]);
      days.add(x.day);
    }
    await this.deps.db.transaction(async (m) => {
      await this.deps.series.setHolidays(
        items.map((x) => ({ day: x.day, name: x.name ?? null })),
        actor.id,
        this.deps.clock(),
        m,
      );
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_policy', entityId: 'holidays', route }], m);
    });
    return this.holidays();
  }

  private view(s: SmsSeries): SeriesView {
    return {
      id: s.id,
      state: s.state,
      rrule: s.rrule,
      timeZone: s.timeZone,
      skipHolidays: s.skipHolidays,
      sender: s.sender,
      body: s.body,
      audience: s.audience as Audience,
      firstAt: s.firstAt,
      nextAt: s.nextAt,
      createdBy: s.createdBy,
      createdAt: s.createdAt,
    };
  }

  private async visible(actor: Actor, id: number): Promise<SmsSeries> {
    const series = await this.deps.series.byId(id);
    const allowed = actsInEveryDepartment(actor) || (may(actor.role, 'sendSms') && series && actor.departmentIds.includes(series.departmentId));
    if (!series || !allowed) throw notFound('Series');
    return series;
  }
}
