import type { CountryCode } from 'libphonenumber-js';
import { registerScope, type Actor } from '../core/access';
import { AppError } from '../core/errors';
import { toE164 } from '../core/phone';
import { fold } from '../core/search-fold';
import type { CaseView, ContactView, InquiryView, SearchAnswer } from '../contracts/views';
import type { CaseService } from './cases.service';
import type { ContactRepository } from './contacts.repository';
import type { ContactService } from './contacts.service';
import type { InquiryService } from './inquiries.service';

/** Contacts shown for a name; the front desk narrows by typing more, not by paging. */
export const SEARCH_CONTACTS = 20;
/** Name matches read before the scope check, so an agent still finds their own citizens among namesakes. */
const NAME_CANDIDATES = 200;
/** Inquiries shown, newest first, of the first contacts found. */
const SEARCH_INQUIRIES = 10;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;
const PHONE_LIKE = /^\+?[\d\s().-]{5,30}$/;
const INQUIRY_ID = /^#?(\d{1,9})$/;

/**
 * The front desk's one box: a phone number in any notation, an e-mail address, a name (first name
 * or surname first, diacritics and case ignored), a case number or an inquiry number. Everything
 * it finds is in the searcher's scope, and every contact shown is recorded as read.
 */
export class SearchService {
  constructor(
    private readonly deps: {
      contacts: ContactRepository;
      contactService: ContactService;
      caseService: CaseService;
      inquiries: InquiryService;
      defaultCountry: CountryCode;
    },
  ) {}

  async search(actor: Actor, query: string, at: { route: string; ip?: string }): Promise<SearchAnswer> {
    registerScope(actor);
    const q = query.trim();
    const understoodAs: SearchAnswer['understoodAs'] = [];
    const contactIds: number[] = [];
    let caseHit: CaseView | null = null;
    let inquiryHit: InquiryView | null = null;

    if (EMAIL.test(q)) {
      understoodAs.push('email');
      const c = await this.deps.contacts.byEmail(q);
      if (c) contactIds.push(c.id);
    }
    const e164 = PHONE_LIKE.test(q) ? toE164(q, this.deps.defaultCountry) : null;
    if (e164) {
      understoodAs.push('phone');
      const c = await this.deps.contacts.byPhone(e164);
      if (c) contactIds.push(c.id);
    }
    const inquiryId = INQUIRY_ID.exec(q)?.[1];
    if (inquiryId) {
      understoodAs.push('inquiry');
      inquiryHit = await this.deps.inquiries.find(actor, Number(inquiryId));
    }
    if (/\d/.test(q) && /^[\p{L}\p{N}/._-]{1,64}$/u.test(q)) {
      understoodAs.push('case');
      caseHit = await this.deps.caseService.get(q, actor, at.route, at.ip).catch((e: unknown) => {
        if (e instanceof AppError && e.status === 404) return null;
        throw e;
      });
    }
    const key = fold(q);
    if (!EMAIL.test(q) && /\p{L}/u.test(key) && key.length >= 2) {
      understoodAs.push('name');
      contactIds.push(...(await this.deps.contacts.idsByNamePrefix(key, NAME_CANDIDATES)));
    }

    const unique = [...new Set(contactIds)];
    const contacts: ContactView[] = [];
    // Shown in the order found, a page of candidates at a time, until enough are in scope.
    for (let i = 0; i < unique.length && contacts.length < SEARCH_CONTACTS; i += SEARCH_CONTACTS * 2) {
      contacts.push(...(await this.deps.contactService.showContacts(actor, unique.slice(i, i + SEARCH_CONTACTS * 2), at.route, at.ip)));
    }
    const shown = contacts.slice(0, SEARCH_CONTACTS);
    return {
      query: q,
      understoodAs,
      contacts: shown,
      cases: caseHit ? [caseHit] : [],
      inquiries: await this.inquiriesOf(actor, shown, inquiryHit),
    };
  }

  private async inquiriesOf(actor: Actor, contacts: ContactView[], hit: InquiryView | null): Promise<InquiryView[]> {
    const pages = await Promise.all(contacts.slice(0, 3).map((c) => this.deps.inquiries.list(actor, { contact: c.id, limit: SEARCH_INQUIRIES })));
    const all = [...(hit ? [hit] : []), ...pages.flatMap((p) => p.items)];
    const seen = new Set<number>();
    return all
      .filter((i) => !seen.has(i.id) && seen.add(i.id))
      .sort((a, b) => (hit && a.id === hit.id ? -1 : hit && b.id === hit.id ? 1 : b.id - a.id))
      .slice(0, SEARCH_INQUIRIES);
  }
}
