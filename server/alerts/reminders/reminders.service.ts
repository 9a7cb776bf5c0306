import type { CountryCode } from 'libphonenumber-js';
import type { Logger } from 'pino';
import type { AuditRepository } from '../../core/audit.repository';
import type { Database } from '../../core/db/database';
import { badRequest, notFound } from '../../core/errors';
import { ALERT_LANGS } from '../subscriptions.schemas';
import { OverdueRepository, overdueKey, readOverdueList } from './overdue';
import { areaOf, isPowerCutReminderDue, powerCutKey, PowerCutRepository, viewOf, type PowerCutBody, type PowerCutView } from './power-cuts';
import type { Outcome, ReminderDispatcher } from './sends';
import type { ReminderSettingsStore } from './settings';
import { overdueText, powerCutCancelled, powerCutNotice, powerCutReminder, type CutSpan } from './texts';
import { applyWasteSchedule, dueWaste, readWasteSchedule, wasteGroups, wasteKey, wasteRequest, type ScheduleTally } from './waste';
import { localParts } from './zoned-time';
import type { PowerCut } from './entities';

/*
 * The three reminder modules behind one service: imports and notices from staff, and the tick
 * that finds what is due and hands it to the send engine, each reminder once. Deciding what is due
 * lives in waste.ts, power-cuts.ts and overdue.ts; sending is the dispatcher's one call.
 */

export interface Who {
  userId: number | null;
  route: string;
  ip?: string | null;
}

export interface RemindersDeps {
  db: Database;
  audit: AuditRepository;
  clock: () => Date;
  logger: Logger;
  settings: ReminderSettingsStore;
  dispatcher: ReminderDispatcher;
  /** The number alerts go out from (the alerts department's), or null for the engine's default. */
  from: () => Promise<string | null>;
  defaultCountry: CountryCode;
}

export interface TickReport {
  waste: Partial<Record<Outcome, number>>;
  powerCuts: Partial<Record<Outcome, number>>;
  overdue: Partial<Record<Outcome, number>>;
}

const count = (tally: Partial<Record<Outcome, number>>, o: Outcome) => (tally[o] = (tally[o] ?? 0) + 1);

export class Reminders {
  private readonly cuts: PowerCutRepository;
  private readonly overdue: OverdueRepository;

  constructor(private readonly deps: RemindersDeps) {
    this.cuts = new PowerCutRepository({ db: deps.db });
    this.overdue = new OverdueRepository({ db: deps.db });
  }

  // --- Waste collection -------------------------------------------------------------------

  async importWasteSchedule(bytes: Buffer, who: Who): Promise<ScheduleTally> {
    const rows = await readWasteSchedule(bytes, this.deps.db);
    const s = await this.deps.settings.get();
    const at = this.deps.clock();
    return this.deps.db.transaction(async (m) => {
      const tally = await applyWasteSchedule(m, rows, localParts(at, s.timeZone).day, who.userId, at);
      if (tally.added || tally.removed)
        await this.deps.audit.record(
          [{ userId: who.userId, action: 'update', entityType: 'alert_reminder', entityId: 'waste_schedule', route: who.route, ip: who.ip }],
          m,
        );
      return tally;
    });
  }

  /** One send per fraction, day and language, for every area whose reminder is due and not yet claimed. */
  private async tickWaste(now: Date, tally: Partial<Record<Outcome, number>>): Promise<void> {
    const due = await dueWaste(this.deps.db, now, await this.deps.settings.get());
    for (const rows of wasteGroups(due))
      for (const lang of ALERT_LANGS) {
        const byKey = new Map(rows.map((r) => [wasteKey(r, lang), r]));
        const taken = await this.deps.dispatcher.claimed([...byKey.keys()]);
        const open = [...byKey.keys()].filter((k) => !taken.has(k));
        if (!open.length) continue;
        const from = await this.deps.from();
        count(
          tally,
          await this.deps.dispatcher.once(open, (won) => ({
            ...wasteRequest(
              won.map((k) => byKey.get(k)!),
              lang,
            ),
            from,
          })),
        );
      }
  }

  // --- Planned power cuts -----------------------------------------------------------------

  /** Stores the notice and tells residents at once (or on the next tick, when the engine is not reachable now). */
  async announcePowerCut(body: PowerCutBody, who: Who): Promise<PowerCutView & { notice: Partial<Record<Outcome, number>> }> {
    const area = { localities: body.localities ?? [], streets: body.streets ?? [] };
    const at = this.deps.clock();
    if (body.to.getTime() <= at.getTime()) throw badRequest('The cut is already over: to is in the past', [{ path: ['to'], message: 'in the past' }]);
    await this.cuts.checkArea(area);
    const cut = await this.deps.db.transaction(async (m) => {
      const c = await this.cuts.insert(body, who.userId, at);
      await this.deps.audit.record(
        [{ userId: who.userId, action: 'create', entityType: 'alert_reminder', entityId: `power_cut:${c.id}`, route: who.route, ip: who.ip }],
        m,
      );
      return c;
    });
    const notice: Partial<Record<Outcome, number>> = {};
    await this.sendAboutCut(cut, 'notice', notice);
    return { ...viewOf(cut), notice };
  }

  async cancelPowerCut(id: number, who: Who): Promise<PowerCutView> {
    const cut = await this.cuts.byId(id);
    if (!cut) throw notFound('Power cut notice');
    const at = this.deps.clock();
    if (await this.cuts.cancel(id, at)) {
      await this.deps.audit.record([
        { userId: who.userId, action: 'delete', entityType: 'alert_reminder', entityId: `power_cut:${id}`, route: who.route, ip: who.ip },
      ]);
      // Those already told hear it is off; a cut already over needs no word.
      const told = await this.deps.dispatcher.claimed(ALERT_LANGS.map((l) => powerCutKey(id, 'notice', l)));
      if (told.size && cut.endsAt.getTime() > at.getTime())
        await this.sendAboutCut(
          { ...cut, state: 'cancelled' },
          'cancelled',
          {},
          [...told].map((k) => k.split(':').at(-1)!),
        );
    }
    return viewOf((await this.cuts.byId(id))!);
  }

  async powerCuts(): Promise<PowerCutView[]> {
    return (await this.cuts.upcoming(this.deps.clock())).map(viewOf);
  }

  private async sendAboutCut(
    cut: PowerCut,
    what: 'notice' | 'reminder' | 'cancelled',
    tally: Partial<Record<Outcome, number>>,
    langs: readonly string[] = ALERT_LANGS,
  ) {
    const s = await this.deps.settings.get();
    const span: CutSpan = { startsAt: cut.startsAt, endsAt: cut.endsAt, note: cut.note, timeZone: s.timeZone };
    const text = what === 'notice' ? powerCutNotice : what === 'reminder' ? powerCutReminder : powerCutCancelled;
    const from = await this.deps.from();
    const area = areaOf(cut);
    for (const lang of ALERT_LANGS) {
      if (!langs.includes(lang)) continue;
      count(
        tally,
        await this.deps.dispatcher.once([powerCutKey(cut.id, what, lang)], () => ({
          audience: {
            subscribers: { ...(area.localities.length ? { localities: area.localities } : {}), ...(area.streets.length ? { streets: area.streets } : {}) },
          },
          language: lang,
          body: text(lang, span),
          from,
          requestedBy: cut.createdBy,
        })),
      );
    }
  }

  private async tickPowerCuts(now: Date, tally: Partial<Record<Outcome, number>>): Promise<void> {
    const s = await this.deps.settings.get();
    for (const cut of await this.cuts.upcoming(now, 'planned')) {
      const keys = ALERT_LANGS.flatMap((l) => [powerCutKey(cut.id, 'notice', l), powerCutKey(cut.id, 'reminder', l)]);
      const taken = await this.deps.dispatcher.claimed(keys);
      // A notice the request could not hand over (engine unreachable) goes now.
      if (ALERT_LANGS.some((l) => !taken.has(powerCutKey(cut.id, 'notice', l))))
        await this.sendAboutCut(
          cut,
          'notice',
          tally,
          ALERT_LANGS.filter((l) => !taken.has(powerCutKey(cut.id, 'notice', l))),
        );
      const reminders = ALERT_LANGS.filter((l) => !taken.has(powerCutKey(cut.id, 'reminder', l)));
      if (reminders.length && isPowerCutReminderDue(cut, now, s)) await this.sendAboutCut(cut, 'reminder', tally, reminders);
    }
  }

  // --- Overdue taxes and fees -------------------------------------------------------------

  /** Keeps the rows of subscribers who chose the category; answers counts only (who matched is not told). */
  async importOverdue(bytes: Buffer, who: Who): Promise<{ rows: number; subscribed: number; added: number; alreadyReminded: number }> {
    const rows = await readOverdueList(bytes, this.deps.defaultCountry);
    const subscribed = await this.overdue.subscribedWith(rows.map((r) => r.phone));
    const mine = rows.filter((r) => subscribed.has(r.phone));
    const sent = await this.deps.dispatcher.claimed(mine.map(overdueKey));
    const fresh = mine.filter((r) => !sent.has(overdueKey(r)));
    const added = await this.overdue.add(fresh, who.userId, this.deps.clock());
    await this.deps.audit.record([
      { userId: who.userId, action: 'update', entityType: 'alert_reminder', entityId: 'overdue_list', route: who.route, ip: who.ip },
    ]);
    return { rows: rows.length, subscribed: mine.length, added, alreadyReminded: mine.length - fresh.length };
  }

  private async tickOverdue(now: Date, tally: Partial<Record<Outcome, number>>): Promise<void> {
    const s = await this.deps.settings.get();
    const due = await this.overdue.due(localParts(now, s.timeZone).day);
    if (!due.length) return;
    const still = await this.overdue.subscribedWith(due.map((d) => d.phone));
    const sent = await this.deps.dispatcher.claimed(due.map(overdueKey));
    const from = await this.deps.from();
    for (const p of due) {
      const lang = still.get(p.phone);
      // Left, or no longer wants it: nothing goes, and the row is not kept.
      if (!lang || sent.has(overdueKey(p))) {
        await this.overdue.forget(p.id);
        continue;
      }
      const o = await this.deps.dispatcher.once([overdueKey(p)], () => ({
        to: [p.phone],
        language: lang,
        body: overdueText(lang, p.kind, p.dueOn),
        from,
        requestedBy: p.createdBy,
      }));
      count(tally, o);
      if (o !== 'retry') await this.overdue.forget(p.id);
    }
  }

  // --- The tick ---------------------------------------------------------------------------

  /** Everything due now, once. Runs from the repeating job; safe to run in several processes at once. */
  async tick(): Promise<TickReport> {
    const report: TickReport = { waste: {}, powerCuts: {}, overdue: {} };
    if (!this.deps.dispatcher.connected) return report;
    const now = this.deps.clock();
    await this.tickWaste(now, report.waste);
    await this.tickPowerCuts(now, report.powerCuts);
    await this.tickOverdue(now, report.overdue);
    return report;
  }
}
