import type { EntityManager } from 'typeorm';
import type { CountryCode } from 'libphonenumber-js';
import { type Database, isUniqueViolation } from '../core/db/database';
import type { CaseFile } from './entities';
import type { CaseView } from '../contracts/views';
import type { AuditRepository } from '../core/audit.repository';
import type { CaseRepository } from './cases.repository';
import type { ContactRepository } from './contacts.repository';
import type { DepartmentRepository } from './departments.repository';
import type { StaffDirectory } from './staff';
import { assertCanUpsertCases, canReadCase, canWriteCase, may, type Actor } from '../core/access';
import { badRequest, forbidden, notFound } from '../core/errors';
import { toE164 } from '../core/phone';

export interface CaseContactInput {
  name?: string;
  phone?: string;
  email?: string;
  role?: string;
}

export interface CaseUpsertInput {
  title: string;
  status: string;
  statusSpoken?: string | null;
  department: string;
  caseworkerEmail?: string | null;
  category?: string | null;
  open?: boolean;
  contacts: CaseContactInput[];
}

/** Statuses the case systems we know use for a finished case; anything else counts as open. */
const CLOSED_STATUSES = new Set([
  'closed',
  'avsluttet',
  'ferdig',
  'ferdigbehandlet',
  'arkivert',
  'archived',
  'cancelled',
  'henlagt',
  'zamknięta',
  'afsluttet',
  'lukket',
]);
export const isOpenStatus = (status: string) => !CLOSED_STATUSES.has(status.trim().toLowerCase());

export interface CaseDeps {
  db: Database;
  cases: CaseRepository;
  contacts: ContactRepository;
  departments: DepartmentRepository;
  users: StaffDirectory;
  audit: AuditRepository;
  defaultCountry: CountryCode;
  clock: () => Date;
}

/** Case files as the authority's case system pushes them: idempotent upserts, contacts matched before made. */
export class CaseService {
  constructor(private readonly deps: CaseDeps) {}

  async upsert(caseNumber: string, input: CaseUpsertInput, actor: Actor, route: string): Promise<{ created: boolean; changed: boolean; case: CaseView }> {
    assertCanUpsertCases(actor);
    const department = await this.deps.departments.byCode(input.department);
    if (!department) throw badRequest(`Unknown department "${input.department}"`, [{ path: ['department'], message: 'unknown department' }]);
    const caseworker = input.caseworkerEmail ? await this.deps.users.byEmail(input.caseworkerEmail) : null;
    if (input.caseworkerEmail && !caseworker)
      throw badRequest(`Unknown caseworker "${input.caseworkerEmail}"`, [{ path: ['caseworkerEmail'], message: 'no such user' }]);
    const parties = input.contacts.map((c, i) => {
      const phone = c.phone ? toE164(c.phone, this.deps.defaultCountry) : undefined;
      if (c.phone && !phone)
        throw badRequest(`contacts[${i}].phone is not a valid phone number`, [{ path: ['contacts', i, 'phone'], message: 'not a valid phone number' }]);
      return { name: c.name ?? null, phone: phone ?? undefined, email: c.email?.toLowerCase(), role: c.role ?? null };
    });

    const wanted = {
      title: input.title,
      status: input.status,
      statusSpoken: input.statusSpoken ?? null,
      isOpen: input.open ?? isOpenStatus(input.status),
      departmentId: department.id,
      caseworkerId: caseworker?.id ?? null,
      category: input.category ?? null,
    };

    const run = (m: EntityManager) => this.write(caseNumber, wanted, parties, actor, route, m);
    let result: { created: boolean; changed: boolean; id: number };
    try {
      result = await this.deps.db.transaction(run);
    } catch (e) {
      // Two pushes of a new case raced; the loser now finds the winner's row and updates it.
      if (!isUniqueViolation(e)) throw e;
      result = await this.deps.db.transaction(run);
    }
    const saved = await this.deps.cases.byId(result.id);
    return { created: result.created, changed: result.changed, case: await this.view(saved!, actor) };
  }

  private async write(
    caseNumber: string,
    wanted: Pick<CaseFile, 'title' | 'status' | 'statusSpoken' | 'isOpen' | 'departmentId' | 'caseworkerId' | 'category'>,
    parties: { name: string | null; phone?: string; email?: string; role: string | null }[],
    actor: Actor,
    route: string,
    m: EntityManager,
  ): Promise<{ created: boolean; changed: boolean; id: number }> {
    const now = this.deps.clock();
    const existing = await this.deps.cases.byNumber(caseNumber, m);
    // Inside the transaction, so a case another account created a moment ago is refused too; nothing is written.
    if (existing && !canWriteCase(actor, existing)) throw forbidden('This case was created by another account; the case system may update only its own cases');
    let caseId: number;
    let changed = false;
    if (!existing) {
      caseId = (await this.deps.cases.insert({ caseNumber, ...wanted, createdBy: actor.id, createdAt: now, updatedAt: now }, m)).id;
      changed = true;
    } else {
      caseId = existing.id;
      const diff = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((k) => existing[k] !== wanted[k]);
      if (diff.length) {
        await this.deps.cases.update(caseId, { ...wanted, updatedAt: now }, m);
        changed = true;
      }
    }

    const current = await this.deps.cases.contactsOf(caseId, m);
    const desired = new Map<number, string | null>();
    for (const p of parties) {
      const r = await this.resolveParty(p, current, m);
      changed = r.changed || changed;
      for (const id of r.contactIds) desired.set(id, p.role);
    }
    const stale = current.filter((c) => !desired.has(c.contactId)).map((c) => c.contactId);
    if (stale.length) {
      await this.deps.cases.unlinkContacts(caseId, stale, m);
      changed = true;
    }
    for (const [contactId, role] of desired) {
      const link = current.find((c) => c.contactId === contactId);
      if (!link || link.role !== role) {
        await this.deps.cases.linkContact({ caseId, contactId, role }, m);
        changed = true;
      }
    }
    if (changed) {
      if (existing) await this.deps.cases.update(caseId, { updatedAt: now }, m);
      await this.deps.audit.record([{ userId: actor.id, action: existing ? 'update' : 'create', entityType: 'case', entityId: caseNumber, route }], m);
    }
    return { created: !existing, changed, id: caseId };
  }

  /**
   * The contacts a case party refers to: matched by number, then by address, then (for a party with
   * neither) by name among the case's own contacts; made only when nothing matches.
   *
   * A push may add an address or a name only to a contact that is already a party on this case.
   * A contact found by its number or address who is not a party yet is linked as it stands: the
   * case system vouches that whoever holds that number is a party, which is its call to make. But
   * the other address the push brings is not merged into that citizen's contact: that would let
   * whoever controls the feed (or mistypes it) attach their own e-mail to someone else's record,
   * so that it reaches their inquiries and is treated as them from then on. Such an address gets
   * a contact of its own, linked to the case with the same role. We do not refuse the push: the
   * case system cannot see our contacts to correct it, and a refused push would leave the case's
   * status stale on the phone line; two contacts on the case keep every pushed fact, change no
   * other citizen's record, and can be joined by staff who know they are one person.
   */
  private async resolveParty(
    p: { name: string | null; phone?: string; email?: string },
    current: { contactId: number }[],
    m: EntityManager,
  ): Promise<{ contactIds: number[]; changed: boolean }> {
    const { contacts } = this.deps;
    if (!p.phone && !p.email) {
      for (const link of current) {
        const c = await contacts.byId(link.contactId, m);
        if (c && c.name === p.name) return { contactIds: [c.id], changed: false };
      }
      return { contactIds: [(await contacts.create({ name: p.name }, m)).id], changed: true };
    }
    const byPhone = p.phone ? await contacts.byPhone(p.phone, m) : null;
    const byEmail = p.email ? await contacts.byEmail(p.email, m) : null;
    let contact = byPhone ?? byEmail;
    if (!contact) {
      const key = p.phone ? { phone: p.phone } : { email: p.email! };
      const r = await contacts.findOrCreate(key, { name: p.name, emails: p.phone && p.email ? [p.email] : [] }, m);
      if (r.created) return { contactIds: [r.contact.id], changed: true };
      // Another writer made it meanwhile: go on as if it had been found.
      contact = r.contact;
    }
    let changed = false;
    // Naming a contact nobody has named yet (one an inbound message made) is no merge: it only says who holds the number.
    if (!contact.name && p.name) {
      await contacts.update(contact.id, { name: p.name }, m);
      changed = true;
    }
    const party = (id: number) => current.some((c) => c.contactId === id);
    if (party(contact.id)) {
      if (p.phone) changed = (await contacts.addPhone(contact.id, p.phone, m)) === 'added' || changed;
      if (p.email) changed = (await contacts.addEmail(contact.id, p.email, m)) === 'added' || changed;
      // The other address may be held by a contact an earlier push of this party made (below): it stays linked.
      const holder = [byPhone, byEmail].find((c) => c && c.id !== contact.id && party(c.id));
      return { contactIds: holder ? [contact.id, holder.id] : [contact.id], changed };
    }
    const phone = p.phone && !byPhone ? p.phone : undefined;
    const email = p.email && !byEmail ? p.email : undefined;
    if (!phone && !email) return { contactIds: [contact.id], changed };
    const own = await contacts.findOrCreate(phone ? { phone } : { email: email! }, { name: p.name, emails: phone && email ? [email] : [] }, m);
    if (own.contact.id === contact.id) return { contactIds: [contact.id], changed };
    return { contactIds: [contact.id, own.contact.id], changed: true };
  }

  async get(caseNumber: string, actor: Actor, route: string, ip?: string): Promise<CaseView> {
    const c = await this.deps.cases.byNumber(caseNumber);
    if (!c || !canReadCase(actor, c)) throw notFound('Case');
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'case', entityId: caseNumber, route, ip }]);
    return this.view(c, actor);
  }

  /** The case as `actor` may see it: the case system's account gets its parties as ids and roles, never their details. */
  async view(c: CaseFile, actor: Actor): Promise<CaseView> {
    const [department, caseworker, links] = await Promise.all([
      this.deps.departments.byId(c.departmentId),
      c.caseworkerId ? this.deps.users.byId(c.caseworkerId) : Promise.resolve(null),
      this.deps.cases.contactsOf(c.id),
    ]);
    const contacts = await this.deps.contacts.withAddresses(await this.deps.contacts.byIds(links.map((l) => l.contactId)));
    // A linked contact may be a citizen who wrote to us before the push: their name, numbers and addresses stay ours.
    const idsOnly = may(actor.role, 'readOwnCasesOnly');
    return {
      caseNumber: c.caseNumber,
      title: c.title,
      status: c.status,
      statusSpoken: c.statusSpoken,
      open: c.isOpen,
      department: department?.code ?? String(c.departmentId),
      category: c.category,
      caseworker: caseworker ? { id: caseworker.id, email: caseworker.email, name: caseworker.name } : null,
      contacts: contacts.map((ct) => {
        const role = links.find((l) => l.contactId === ct.id)?.role ?? null;
        return idsOnly ? { id: ct.id, role } : { id: ct.id, name: ct.name, role, phones: ct.phones, emails: ct.emails };
      }),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  }
}
