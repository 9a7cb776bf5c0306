import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { AuditRepository } from '../core/audit.repository';
import { assertMay, type Actor } from '../core/access';
import type { Database } from '../core/db/database';
import { AppError, badRequest, conflict, notFound } from '../core/errors';
import { toE164 } from '../core/phone';
import type { Register } from '../register/module';
import type { AuditTrailRepository } from './audit-trail.repository';
import { removeContactAddress, type CitizenData, type CitizenRepository } from './citizen.repository';
import type { ErasurePlan, ErasureRepository } from './erasure.repository';

export interface Where {
  route: string;
  ip?: string;
}

export interface Correction {
  name?: string;
  address?: string | null;
  postalCode?: string | null;
  city?: string | null;
  language?: string | null;
  addPhones?: string[];
  removePhones?: string[];
  addEmails?: string[];
  removeEmails?: string[];
}

export interface StaffRead {
  at: string;
  staff: string | null;
  action: string;
  what: string;
  route: string;
}
export type CitizenExport = CitizenData & { generatedAt: string; staffReads: StaffRead[] };

const MESSAGE = 'Only the records role or an administrator may act on a citizen’s rights';
/** The staff reads an export lists at most (a longer history is the audit viewer's CSV). */
const READS_IN_EXPORT = 10_000;

/** The citizen's rights: finding them, their data as JSON (art. 15), correction (art. 16), erasure (art. 17). */
export class CitizenRights {
  constructor(
    private readonly deps: {
      db: Database;
      citizens: CitizenRepository;
      erasure: ErasureRepository;
      trail: AuditTrailRepository;
      contacts: Register['contacts'];
      audit: AuditRepository;
      defaultCountry: CountryCode;
      clock: () => Date;
    },
  ) {}

  /** By number in any common notation, e-mail or name. */
  async find(actor: Actor, q: string, where: Where) {
    assertMay(actor, 'keepRecords', MESSAGE);
    const phone = /^[+\d][\d\s().-]{3,30}$/.test(q) ? toE164(q, this.deps.defaultCountry) : null;
    const email = q.includes('@') ? q : null;
    const ids = await this.deps.citizens.find({ phone, email, name: phone || email ? undefined : q }, 50);
    const items = await this.deps.citizens.contacts(ids);
    if (items.length)
      await this.deps.audit.record(
        items.map((c) => ({ userId: actor.id, action: 'read' as const, entityType: 'contact' as const, entityId: c.id as number, ...where })),
      );
    return { items };
  }

  /** Everything held about the citizen, with every staff read of their data. */
  async export(actor: Actor, contactId: number, where: Where): Promise<CitizenExport> {
    assertMay(actor, 'keepRecords', MESSAGE);
    const data = await this.deps.citizens.data(contactId);
    if (!data) throw notFound('Contact');
    await this.deps.audit.record([{ userId: actor.id, action: 'export', entityType: 'contact', entityId: contactId, ...where }]);
    const events = await this.deps.trail.events({ contactId }, READS_IN_EXPORT);
    const users = await this.deps.trail.users(events.map((e) => e.userId ?? 0));
    const staffReads = events.map((e) => ({
      at: e.at.toISOString(),
      staff: e.userId === null ? null : (users.get(e.userId)?.name ?? `#${e.userId}`),
      action: e.action,
      what: `${e.entityType} ${e.entityId}`,
      route: e.route,
    }));
    return { generatedAt: this.deps.clock().toISOString(), ...data, staffReads };
  }

  async correct(actor: Actor, contactId: number, c: Correction, where: Where) {
    assertMay(actor, 'keepRecords', MESSAGE);
    const phone = (raw: string, field: string) => {
      const e164 = toE164(raw, this.deps.defaultCountry);
      if (!e164) throw badRequest(`Not a phone number: ${raw}`, [{ path: [field], message: 'not a phone number' }]);
      return e164;
    };
    const add = (c.addPhones ?? []).map((p) => phone(p, 'addPhones'));
    const remove = (c.removePhones ?? []).map((p) => phone(p, 'removePhones'));
    if (!(await this.deps.citizens.contacts([contactId])).length) throw notFound('Contact');
    await this.deps.db.transaction(async (m) => {
      const patch = Object.fromEntries(
        Object.entries({ name: c.name, address: c.address, postalCode: c.postalCode, city: c.city, language: c.language }).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(patch).length) await this.deps.contacts.update(contactId, patch, m);
      for (const p of remove)
        if (!(await removeContactAddress(m, contactId, 'phone', p)))
          throw badRequest(`${p} is not this contact's number`, [{ path: ['removePhones'], message: 'not theirs' }]);
      for (const e of c.removeEmails ?? [])
        if (!(await removeContactAddress(m, contactId, 'email', e)))
          throw badRequest(`${e} is not this contact's address`, [{ path: ['removeEmails'], message: 'not theirs' }]);
      for (const p of add) if ((await this.deps.contacts.addPhone(contactId, p, m)) === 'taken') throw conflict('taken', `${p} belongs to another contact`);
      for (const e of c.addEmails ?? [])
        if ((await this.deps.contacts.addEmail(contactId, e, m)) === 'taken') throw conflict('taken', `${e} belongs to another contact`);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'contact', entityId: contactId, ...where }], m);
    });
    return (await this.deps.citizens.contacts([contactId]))[0];
  }

  /** What erasure would remove and keep, and why; `token` confirms exactly this plan. */
  async erasurePreview(actor: Actor, contactId: number, where: Where) {
    assertMay(actor, 'keepRecords', MESSAGE);
    if (!(await this.deps.citizens.contacts([contactId])).length) throw notFound('Contact');
    const plan = await this.deps.erasure.plan(contactId);
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'contact', entityId: contactId, ...where }]);
    return { ...view(plan), token: tokenOf(plan) };
  }

  /** Erases what the preview showed; a plan that changed since (a new message, a hold) must be previewed again. */
  async erase(actor: Actor, contactId: number, token: string, where: Where) {
    assertMay(actor, 'keepRecords', MESSAGE);
    if (!(await this.deps.citizens.contacts([contactId])).length) throw notFound('Contact');
    return this.deps.db.transaction(async (m) => {
      const plan = await this.deps.erasure.plan(contactId, m);
      if (plan.holds.length)
        throw new AppError(409, 'legal_hold', 'A legal hold stands on this citizen or their case: nothing may be erased', { holds: plan.holds });
      if (tokenOf(plan) !== token) throw conflict('preview_changed', 'What would be erased has changed since the preview: look at it again and confirm');
      const erased = await this.deps.erasure.apply(plan, this.deps.clock(), m);
      await this.deps.audit.record([{ userId: actor.id, action: 'erase', entityType: 'contact', entityId: contactId, ...where }], m);
      return { contactId, at: this.deps.clock().toISOString(), erased, kept: view(plan).keep };
    });
  }
}

const REASONS: Record<string, string> = {
  case_party: 'A party on a case file, which the archive law keeps',
  tied_to_case: 'Concerns a case file, which the archive law keeps',
  awaiting_archive: 'Journaled; kept until the archive confirms it has the post',
  stop_list: 'The STOP list keeps the number so nothing is sent to it again',
  accountability: 'The audit trail of staff reads is kept for accountability and cannot be altered',
};

function view(plan: ErasurePlan) {
  return { contactId: plan.contactId, holds: plan.holds, erase: plan.erase, keep: plan.keep.map((k) => ({ ...k, reason: REASONS[k.why] })) };
}

function tokenOf(plan: ErasurePlan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 32);
}
