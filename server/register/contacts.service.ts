import type { CountryCode } from 'libphonenumber-js';
import type { Database } from '../core/db/database';
import type { Statement } from '../core/db/transactions';
import type { AuditRepository } from '../core/audit.repository';
import type { ContactView } from '../contracts/views';
import type { CaseRepository } from './cases.repository';
import type { ContactRepository } from './contacts.repository';
import type { DepartmentRepository } from './departments.repository';
import type { InquiryRepository, RecentInquiryRow } from './inquiries.repository';
import { registerScope, type Actor, type Scope } from '../core/access';
import { badRequest, notFound } from '../core/errors';
import { toE164 } from '../core/phone';

/** Who is calling: the screen pop's content, also used by the contact lookup. */
export interface CallerContext {
  from: string;
  contact: { id: number; name: string | null } | null;
  cases: { caseNumber: string; title: string; status: string; department: string }[];
  inquiries: {
    id: number;
    channel: string;
    direction: 'in' | 'out';
    createdAt: Date;
    summary: string;
    caseNumber: string | null;
    mentionedCaseNumber?: string;
  }[];
}

export interface ContactDeps {
  db: Database;
  contacts: ContactRepository;
  cases: CaseRepository;
  inquiries: InquiryRepository;
  departments: DepartmentRepository;
  audit: AuditRepository;
  defaultCountry: CountryCode;
}

export class ContactService {
  constructor(private readonly deps: ContactDeps) {}

  private async code(departmentId: number) {
    return (await this.deps.departments.byId(departmentId))?.code ?? String(departmentId);
  }

  /** Frontline staff see a contact only through a case or inquiry of their own departments. */
  private async visibleIds(ids: number[], scope: Scope): Promise<Set<number>> {
    if (scope.all) return new Set(ids);
    const [viaCases, viaInquiries] = await Promise.all([
      this.deps.cases.contactIdsVisibleThroughCases(ids, scope),
      this.deps.inquiries.contactIdsVisibleThroughInquiries(ids, scope),
    ]);
    return new Set([...viaCases, ...viaInquiries]);
  }

  async findByPhone(actor: Actor, rawPhone: string, route: string, ip?: string): Promise<ContactView[]> {
    const scope = registerScope(actor);
    const e164 = toE164(rawPhone, this.deps.defaultCountry);
    if (!e164) throw badRequest('phone is not a valid phone number', [{ path: ['phone'], message: 'not a valid phone number' }]);
    const contact = await this.deps.contacts.byPhone(e164);
    return this.present(actor, scope, contact ? [contact] : [], route, ip);
  }

  async findByEmail(actor: Actor, email: string, route: string, ip?: string): Promise<ContactView[]> {
    const scope = registerScope(actor);
    const contact = await this.deps.contacts.byEmail(email);
    return this.present(actor, scope, contact ? [contact] : [], route, ip);
  }

  /** The contacts of these ids that `actor` may see, in the order given, each with their cases; audited as reads. */
  async showContacts(actor: Actor, ids: number[], route: string, ip?: string): Promise<ContactView[]> {
    const scope = registerScope(actor);
    const found = await this.deps.contacts.byIds(ids);
    const views = await this.present(actor, scope, found, route, ip);
    return views.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  }

  async get(actor: Actor, id: number, route: string, ip?: string): Promise<ContactView> {
    const scope = registerScope(actor);
    const contact = await this.deps.contacts.byId(id);
    const [view] = await this.present(actor, scope, contact ? [contact] : [], route, ip);
    if (!view) throw notFound('Contact');
    return view;
  }

  private async present(
    actor: Actor,
    scope: Scope,
    found: Awaited<ReturnType<ContactRepository['byIds']>>,
    route: string,
    ip?: string,
  ): Promise<ContactView[]> {
    const visible = await this.visibleIds(
      found.map((c) => c.id),
      scope,
    );
    const contacts = await this.deps.contacts.withAddresses(found.filter((c) => visible.has(c.id)));
    const cases = await this.deps.cases.ofContacts(
      contacts.map((c) => c.id),
      scope,
    );
    const views: ContactView[] = [];
    for (const c of contacts) {
      const own = cases.filter((k) => k.contactId === c.id);
      views.push({
        id: c.id,
        name: c.name,
        kind: c.kind,
        phones: c.phones,
        emails: c.emails,
        address: c.address,
        postalCode: c.postalCode,
        city: c.city,
        language: c.language,
        cases: await Promise.all(
          own.map(async (k) => ({
            caseNumber: k.caseNumber,
            title: k.title,
            status: k.status,
            open: k.isOpen,
            department: await this.code(k.departmentId),
            role: k.role,
          })),
        ),
      });
    }
    if (views.length)
      await this.deps.audit.record(
        views.map((v) => ({ userId: actor.id, action: 'read' as const, entityType: 'contact' as const, entityId: v.id, route, ip })),
      );
    return views;
  }

  /**
   * The screen pop: number → contact → open cases → last 20 inquiries, limited to the scope of
   * whoever will see it. Three indexed reads, each starting from the number, in one round trip
   * (a batch); nothing else is on this path.
   */
  async callerContext(e164: string, scope: Scope): Promise<CallerContext> {
    return this.callerContextFrom(e164, await this.deps.db.batch(this.callerContextReads(e164, scope)));
  }

  /**
   * callerContext's reads as statements for a batch, for a number or SQL that gives it (so a batch
   * can read the number and its pop in one trip); their rows, in order, give the pop through
   * {@link callerContextFrom}.
   */
  callerContextReads(number: string | Statement, scope: Scope): Statement[] {
    const cases = this.deps.cases.openOfPhone(number, scope, 50);
    const inquiries = this.deps.inquiries.recentOfPhone(number, scope, 20);
    // Both are left out when the scope holds no department, or neither.
    return [this.deps.contacts.byPhoneReading(number), ...(cases && inquiries ? [cases, inquiries] : [])];
  }

  async callerContextFrom(e164: string, rows: Record<string, unknown>[][]): Promise<CallerContext> {
    const contact = this.deps.contacts.contactFrom(rows[0]);
    if (!contact) return { from: e164, contact: null, cases: [], inquiries: [] };
    const cases = rows.length > 1 ? this.deps.cases.summariesFrom(rows[1] as never) : [];
    const inquiries = rows.length > 2 ? this.deps.inquiries.recentFrom(rows[2] as never) : [];
    return {
      from: e164,
      contact: { id: contact.id, name: contact.name },
      cases: await Promise.all(
        cases.map(async (k) => ({ caseNumber: k.caseNumber, title: k.title, status: k.status, department: await this.code(k.departmentId) })),
      ),
      inquiries: inquiries.map((i: RecentInquiryRow) => ({
        id: i.id,
        channel: i.channel,
        direction: i.direction,
        createdAt: i.createdAt,
        summary: i.summary,
        caseNumber: i.caseNumber,
        ...(i.mentionedCaseNumber ? { mentionedCaseNumber: i.mentionedCaseNumber } : {}),
      })),
    };
  }
}
