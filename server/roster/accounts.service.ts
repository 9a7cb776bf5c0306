import type { Logger } from 'pino';
import { z } from 'zod';
import { inScope, type Actor } from '../core/access';
import type { AuditRepository } from '../core/audit.repository';
import type { Database } from '../core/db/database';
import { AppError, badRequest, conflict, forbidden, notFound } from '../core/errors';
import type { JobQueue } from '../core/jobs/queue';
import type { OutboundHooks } from '../core/outbound-hooks';
import type { RateLimiter, RateLimits } from '../core/rate-limits';
import type { DepartmentRepository } from '../register/module';
import type { SmsReceived } from '../sms/module';
import { assertMayPush, pushScope, readScope } from './access';
import { fillAccountText, PASSWORD_MASK, type AccountSms } from './account-sms';
import type { RosterAccountsRepository } from './accounts.repository';
import type { AccountMessageState } from './entities';
import type { RosterPeopleRepository } from './people.repository';
import { ACCOUNT_TEXTS, DEFAULT_RESET_KEYWORDS } from './texts';

export const RESET_QUEUE = 'roster-password-reset';
const RESET_ATTEMPTS = 6;

export interface ResetLimits {
  perNumberPerHour: number;
  perUnitPerHour: number;
}
const DEFAULT_LIMITS: ResetLimits = { perNumberPerHour: 3, perUnitPerHour: 200 };

const hookAnswer = z.object({ temporaryPassword: z.string().min(4).max(128) });

export interface RosterAccountsDeps {
  db: Database;
  accounts: RosterAccountsRepository;
  people: RosterPeopleRepository;
  departments: DepartmentRepository;
  sms: AccountSms;
  hooks: OutboundHooks;
  jobs: JobQueue;
  audit: AuditRepository;
  rateLimits: RateLimits;
  clock: () => Date;
  today: () => string;
  logger: Logger;
  limits?: Partial<ResetLimits>;
}

/**
 * Accounts by SMS: the welcome message with a new account's name and temporary password, and the
 * password reset a person asks for by texting a keyword to their unit's number. A temporary
 * password exists only in memory between the identity system and the provider.
 */
export class RosterAccounts {
  private readonly perNumber: RateLimiter;
  private readonly perUnit: RateLimiter;

  constructor(private readonly deps: RosterAccountsDeps) {
    const limits = { ...DEFAULT_LIMITS, ...deps.limits };
    this.perNumber = deps.rateLimits.limiter('roster-reset-number', { points: limits.perNumberPerHour, durationSec: 3600 });
    this.perUnit = deps.rateLimits.limiter('roster-reset-unit', { points: limits.perUnitPerHour, durationSec: 3600 });
  }

  private async unitByCode(code: string) {
    const unit = await this.deps.departments.byCode(code);
    if (!unit) throw notFound('Unit');
    return unit;
  }

  /** GET /api/roster/units/:code: the unit's texts and reset settings (never the token). */
  async settings(actor: Actor, code: string) {
    const unit = await this.unitByCode(code);
    if (!inScope(readScope(actor), unit.id)) throw forbidden('This unit is not one of yours');
    const row = await this.deps.accounts.unit(unit.id);
    return {
      code: unit.code,
      sender: await this.deps.sms.senderOf(unit.id),
      welcome: row?.welcomeTexts ?? ACCOUNT_TEXTS.welcome,
      passwordReset: row?.resetUrl ? { url: row.resetUrl, keywords: row.resetKeywords ?? DEFAULT_RESET_KEYWORDS, tokenSet: Boolean(row.resetToken) } : null,
    };
  }

  async setTexts(actor: Actor, code: string, welcome: Record<string, string>, route: string) {
    const unit = await this.unitByCode(code);
    if (!inScope(pushScope(actor), unit.id)) throw forbidden('This unit is not one of yours');
    const bad = Object.entries(welcome).filter(([, t]) => !/\{\{\s*password\s*\}\}/.test(t) || !/\{\{\s*account\s*\}\}/.test(t));
    if (bad.length)
      throw badRequest(
        'A welcome text must hold {{account}} and {{password}}',
        bad.map(([lang]) => ({ path: ['welcome', lang], message: 'needs {{account}} and {{password}}' })),
      );
    await this.deps.db.transaction(async (m) => {
      await this.deps.accounts.saveUnit(unit.id, { welcomeTexts: welcome }, actor.id, this.deps.clock(), m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'roster_unit', entityId: unit.code, route }], m);
    });
    return this.settings(actor, code);
  }

  /** PUT /api/roster/units/:code/password-reset (admin): the identity system's hook, on the allow-list only. */
  async setReset(actor: Actor, code: string, body: { url: string; token: string; keywords?: string[] }, route: string) {
    const unit = await this.unitByCode(code);
    await this.deps.hooks.assertAllowed(body.url, 'url');
    const keywords = body.keywords ? [...new Set(body.keywords.map((k) => k.toUpperCase()))] : null;
    await this.deps.db.transaction(async (m) => {
      await this.deps.accounts.saveUnit(unit.id, { resetUrl: body.url, resetToken: body.token, resetKeywords: keywords }, actor.id, this.deps.clock(), m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'roster_unit', entityId: unit.code, route }], m);
    });
    return (await this.settings(actor, code)).passwordReset;
  }

  /** POST /api/roster/people/:externalId/welcome → the message's id; the person must be current. */
  async welcome(actor: Actor, externalId: string, body: { account: string; temporaryPassword: string }, route: string): Promise<{ messageId: number }> {
    assertMayPush(actor);
    const person = await this.deps.people.byExternalId(externalId);
    if (!person || person.removedAt) throw notFound('Person');
    if (!inScope(pushScope(actor), person.departmentId)) throw forbidden('This person belongs to a unit that is not yours');
    if (person.endDate && person.endDate < this.deps.today())
      throw conflict('person_ended', 'This person has left (their end date has passed) and receives nothing');
    const from = await this.deps.sms.senderOf(person.departmentId);
    if (!from) throw new AppError(409, 'no_sender', 'No SMS sender number is configured for this unit');
    const texts = (await this.deps.accounts.unit(person.departmentId))?.welcomeTexts ?? ACCOUNT_TEXTS.welcome;
    const template = texts[person.language ?? ''] ?? Object.values(texts)[0] ?? ACCOUNT_TEXTS.welcome.nb;
    const values = { name: person.name, account: body.account };
    const messageId = await this.deps.sms.send({
      departmentId: person.departmentId,
      inquiryId: null,
      to: person.phone,
      from,
      name: person.name,
      text: fillAccountText(template, { ...values, password: body.temporaryPassword }),
      masked: fillAccountText(template, { ...values, password: PASSWORD_MASK }),
      purpose: 'roster-welcome',
      authorId: actor.id,
    });
    const now = this.deps.clock();
    await this.deps.db.transaction(async (m) => {
      await this.deps.accounts.insert(
        {
          kind: 'welcome',
          departmentId: person.departmentId,
          externalId,
          phone: person.phone,
          inboundMessageId: null,
          messageId,
          state: 'sent',
          attempts: 1,
          error: null,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'roster_account_message', entityId: messageId, route }], m);
    });
    return { messageId };
  }

  /**
   * An SMS to one of our numbers: a reset when it is one of its unit's keywords and the unit has a
   * hook. Recorded once per inbound message and handed to a job, so a hook that is down delays the
   * reset and never loses it. Answers whether it was a reset keyword.
   */
  async received(sms: SmsReceived): Promise<boolean> {
    const unit = await this.deps.departments.ownerOf('sms', sms.ourNumber);
    if (!unit) return false;
    const settings = await this.deps.accounts.unit(unit.id);
    if (!settings?.resetUrl) return false;
    const word =
      sms.body
        .trim()
        .slice(0, 40)
        .split(/\s+/)[0]
        ?.replace(/[.!?,]+$/, '')
        .toUpperCase() ?? '';
    if (!(settings.resetKeywords ?? DEFAULT_RESET_KEYWORDS).includes(word)) return false;
    const now = this.deps.clock();
    const { row, inserted } = await this.deps.accounts.insertResetOnce({
      kind: 'reset',
      departmentId: unit.id,
      externalId: null,
      phone: sms.phone,
      inboundMessageId: sms.messageId,
      messageId: null,
      state: 'pending',
      attempts: 0,
      error: null,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) {
      // Counted once per request, whatever the retries: a person texting in a loop gets nothing more, and nor does a unit under attack.
      const [a, b] = await Promise.all([this.perNumber.consume(`${unit.id}:${sms.phone}`), this.perUnit.consume(String(unit.id))]);
      if (!a.ok || !b.ok) {
        await this.deps.accounts.settle(row.id, { state: 'refused', error: !a.ok ? 'limit per number reached' : 'limit per unit reached' }, now);
        await this.auditReset(row.id);
        return true;
      }
    }
    if (row.state === 'pending' || row.state === 'retrying')
      await this.deps.jobs.add(RESET_QUEUE, { id: row.id }, { key: `roster-reset-${row.id}`, attempts: RESET_ATTEMPTS });
    return true;
  }

  /** The reset job: the person must be current; the hook gives the new password, which goes out masked in the register. */
  async runReset(id: number, ctx: { attempt: number; final: boolean }): Promise<void> {
    const row = await this.deps.accounts.byId(id);
    if (!row || (row.state !== 'pending' && row.state !== 'retrying')) return;
    if (!(await this.deps.accounts.claim(row.id, row.attempts, this.deps.clock()))) return;
    const settings = await this.deps.accounts.unit(row.departmentId);
    const from = await this.deps.sms.senderOf(row.departmentId);
    const unit = await this.deps.departments.byId(row.departmentId);
    const person = await this.deps.people.currentByPhone(row.departmentId, row.phone, this.deps.today());
    const inquiryId = await this.inquiryOf(row.inboundMessageId);
    const answer = async (text: string, masked = text, purpose: 'roster-reset' | 'roster-notice' = 'roster-notice') =>
      from
        ? this.deps.sms.send({
            departmentId: row.departmentId,
            inquiryId,
            to: row.phone,
            from,
            name: person?.name ?? null,
            text,
            masked,
            purpose,
            authorId: null,
          })
        : null;
    if (!person || !settings?.resetUrl || !settings.resetToken || !unit) {
      // The same words whether the number is unknown, belongs to someone who left, or to another unit.
      await answer(ACCOUNT_TEXTS.neutral);
      return this.finish(row.id, 'refused', 'not a current person of this unit');
    }
    let password: string;
    try {
      const raw = await this.deps.hooks.postForJson('password reset', settings.resetUrl, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${settings.resetToken}` },
        body: JSON.stringify({ externalId: person.externalId, unit: unit.code }),
        timeoutMs: 10_000,
      });
      const parsed = hookAnswer.safeParse(raw);
      if (!parsed.success) throw new Error('password reset hook answered without a temporaryPassword');
      password = parsed.data.temporaryPassword;
    } catch (cause) {
      const reason = (cause as Error).message.slice(0, 200);
      // Told once that it takes longer; the job tries again, and the admin sees the failure in the log.
      if (ctx.attempt === 1) await answer(ACCOUNT_TEXTS.later);
      await this.deps.accounts.settle(row.id, { state: ctx.final ? 'failed' : 'retrying', error: reason }, this.deps.clock());
      if (ctx.final) {
        this.deps.logger.warn({ resetId: row.id }, 'roster: password reset failed for good');
        await this.auditReset(row.id);
        return;
      }
      throw new Error(`password reset ${row.id}: ${reason}`, { cause });
    }
    const values = { name: person.name, account: '' };
    const messageId = await answer(
      fillAccountText(ACCOUNT_TEXTS.reset, { ...values, password }),
      fillAccountText(ACCOUNT_TEXTS.reset, { ...values, password: PASSWORD_MASK }),
      'roster-reset',
    );
    await this.deps.accounts.settle(row.id, { state: 'sent', error: null, messageId, externalId: person.externalId }, this.deps.clock());
    await this.auditReset(row.id);
  }

  /** An admin's "try again" for a reset that failed for good. */
  async retry(actor: Actor, id: number): Promise<void> {
    const row = await this.deps.accounts.byId(id);
    if (!row || !inScope(pushScope(actor), row.departmentId)) throw notFound('Reset');
    if (row.state !== 'failed') throw conflict('not_failed', 'Only a reset that failed can be tried again');
    await this.deps.accounts.settle(row.id, { state: 'retrying' }, this.deps.clock());
    await this.deps.jobs.add(RESET_QUEUE, { id: row.id }, { key: `roster-reset-${row.id}-again-${row.attempts}`, attempts: RESET_ATTEMPTS });
  }

  async log(actor: Actor, f: { kind?: 'welcome' | 'reset'; state?: AccountMessageState; limit?: number }) {
    return { items: await this.deps.accounts.list(readScope(actor), { ...f, limit: f.limit ?? 100 }) };
  }

  private async finish(id: number, state: AccountMessageState, error: string): Promise<void> {
    await this.deps.accounts.settle(id, { state, error }, this.deps.clock());
    await this.auditReset(id);
  }

  private auditReset(id: number): Promise<void> {
    return this.deps.audit.record([{ userId: null, action: 'update', entityType: 'roster_account_message', entityId: id, route: 'sms keyword' }]);
  }

  private async inquiryOf(messageId: number | null): Promise<number | null> {
    if (!messageId) return null;
    const rows = (await this.deps.db.dataSource.query('SELECT inquiry_id AS id FROM messages WHERE id = ?', [messageId])) as { id: number | string }[];
    return rows.length ? Number(rows[0].id) : null;
  }
}
