import type { CountryCode } from 'libphonenumber-js';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertMay, type Actor } from '../core/access';
import { AppError, notFound } from '../core/errors';
import { toE164 } from '../core/phone';
import type { AlertCodes } from './codes.service';
import type { AlertCodeRepository } from './codes.repository';
import type { ConsentAction } from './consent.entities';
import { consentTexts } from './consent.texts';
import type { Subscriber } from './entities';
import type { SubscriptionRepository } from './subscriptions.repository';
import { isAlertLang, type AlertLang, type SubscriptionBody } from './subscriptions.schemas';

export interface SubscriptionsDeps {
  db: Database;
  repo: SubscriptionRepository;
  codes: AlertCodes;
  codeRepo: AlertCodeRepository;
  audit: AuditRepository;
  clock: () => Date;
  defaultCountry: CountryCode;
  defaultLang: AlertLang;
}

/** Where a change came from: the pages or JSON endpoints (with the client's address), or an SMS. */
export type Origin = { via: 'web'; client: string } | { via: 'sms'; ourNumber: string };

export const invalidCode = () =>
  new AppError(400, 'invalid_code', 'The code is wrong, used or expired; ask for a new one', [{ path: ['code'], message: 'invalid' }]);
const rateLimited = (retryAfterSec: number) =>
  new AppError(429, 'rate_limited', 'Too many codes asked for; try again later', undefined, { 'Retry-After': String(retryAfterSec) });

/** The answer of POST /public/alerts/subscription (MISSION.md): ids as strings, categories by code. */
export interface SubscriptionView {
  phone: string;
  locality: string;
  streets: string[];
  categories: string[];
}

/**
 * Residents' own subscriptions: every change is proved with a one-time code sent to the number
 * (or is a STOP from it), replaces the whole choice, and leaves a consent record saying what was
 * agreed to, in which language, when and from where. Leaving keeps the choice and the records.
 */
export class Subscriptions {
  constructor(private readonly deps: SubscriptionsDeps) {}

  /** The number in E.164, or 400 naming the field. */
  phoneOf(raw: string, field = 'phone'): string {
    const phone = toE164(raw, this.deps.defaultCountry);
    if (!phone)
      throw new AppError(400, 'invalid_input', `Invalid body: ${field} is not a valid phone number`, [{ path: [field], message: 'not a valid phone number' }]);
    return phone;
  }

  /** POST /public/alerts/code: the same answer for every valid number (or 429 from the limits). */
  async requestCode(rawPhone: string, client: string, lang?: AlertLang): Promise<void> {
    const phone = this.phoneOf(rawPhone);
    const verdict = await this.deps.codes.request(phone, client, lang ?? this.deps.defaultLang);
    if (!verdict.ok) throw rateLimited(verdict.retryAfterSec);
  }

  /**
   * Checks every name in the choice before the code, so a typo does not cost the resident their
   * code; then spends the code and saves the choice in one transaction (a failure changes nothing).
   */
  async subscribe(body: SubscriptionBody, origin: Origin & { via: 'web' }): Promise<SubscriptionView> {
    const phone = this.phoneOf(body.phone);
    const { locality, streets, categories } = await this.resolve(body);
    const row = await this.deps.codes.check(phone, body.code);
    if (!row) throw invalidCode();
    const now = this.deps.clock();
    await this.deps.db.transaction(async (m) => {
      if (!(await this.deps.codeRepo.use(row.id, now, m))) throw invalidCode();
      const before = await this.deps.repo.byPhone(phone, m);
      const language = body.language ?? (before && isAlertLang(before.language) ? before.language : this.deps.defaultLang);
      const { subscriber } = await this.deps.repo.save(
        { phone, localityId: locality.id, language },
        streets.map((s) => s.id),
        categories.map((c) => c.code),
        now,
        m,
      );
      const choice = { locality: locality.name, streets: streets.map((s) => s.name), categories: categories.map((c) => c.name) };
      const action: ConsentAction = before?.state === 'active' ? 'change' : 'subscribe';
      await this.consent(subscriber, action, consentTexts(language).agree({ phone, ...choice }), language, now, origin, m, {
        locality: { id: String(locality.id), name: locality.name },
        streets: streets.map((s) => ({ id: String(s.id), name: s.name })),
        categories: categories.map((c) => ({ code: c.code, name: c.name })),
      });
    });
    return { phone, locality: String(locality.id), streets: streets.map((s) => String(s.id)), categories: categories.map((c) => c.code) };
  }

  /** The locality, streets and categories a body names; 400 naming every one that is unknown or elsewhere. */
  async resolve(body: Pick<SubscriptionBody, 'locality' | 'streets' | 'categories'>) {
    const details: { path: (string | number)[]; message: string }[] = [];
    const localityId = /^\d{1,10}$/.test(body.locality) ? Number(body.locality) : null;
    const locality = localityId === null ? null : await this.deps.repo.locality(localityId);
    if (!locality) details.push({ path: ['locality'], message: `unknown locality ${body.locality}` });
    const streetIds = [...new Set(body.streets ?? [])];
    const found = await this.deps.repo.streets(streetIds.filter((s) => /^\d{1,10}$/.test(s)).map(Number));
    streetIds.forEach((id) => {
      const s = found.find((x) => String(x.id) === id);
      if (!s) details.push({ path: ['streets', (body.streets ?? []).indexOf(id)], message: `unknown street ${id}` });
      else if (locality && s.localityId !== locality.id)
        details.push({ path: ['streets', (body.streets ?? []).indexOf(id)], message: `street ${id} is not in locality ${locality.id}` });
    });
    const codes = [...new Set(body.categories ?? [])];
    const categories = await this.deps.repo.categories(codes);
    codes.forEach((code) => {
      if (!categories.some((c) => c.code === code))
        details.push({ path: ['categories', (body.categories ?? []).indexOf(code)], message: `unknown category ${code}` });
    });
    if (details.length || !locality) throw new AppError(400, 'unknown_reference', `Not in the register: ${details.map((d) => d.message).join('; ')}`, details);
    return { locality, streets: found.filter((s) => streetIds.includes(String(s.id))), categories };
  }

  /** POST /public/alerts/unsubscribe: left, with the date; the choice and every consent record stay. */
  async unsubscribe(rawPhone: string, code: string, origin: Origin & { via: 'web' }, lang?: AlertLang): Promise<{ phone: string; state: 'left' | 'none' }> {
    const phone = this.phoneOf(rawPhone);
    const row = await this.deps.codes.check(phone, code);
    if (!row) throw invalidCode();
    const now = this.deps.clock();
    return this.deps.db.transaction(async (m) => {
      if (!(await this.deps.codeRepo.use(row.id, now, m))) throw invalidCode();
      const subscriber = await this.deps.repo.byPhone(phone, m);
      if (!subscriber) return { phone, state: 'none' as const };
      if (await this.deps.repo.leave(subscriber.id, now, m)) {
        const language = lang ?? (isAlertLang(subscriber.language) ? subscriber.language : this.deps.defaultLang);
        await this.consent(subscriber, 'unsubscribe', consentTexts(language).unsubscribe(phone), language, now, origin, m, null);
      }
      return { phone, state: 'left' as const };
    });
  }

  /**
   * STOP from a subscribed number to any of our SMS numbers: a withdrawal must be as easy as the
   * consent, and a resident cannot be expected to know which of our numbers alerts come from.
   * A repeated STOP (or the provider's retry) finds them gone and records nothing more.
   */
  async stop(rawPhone: string, ourNumber: string, at: Date): Promise<boolean> {
    const phone = toE164(rawPhone, this.deps.defaultCountry);
    if (!phone) return false;
    const subscriber = await this.deps.repo.byPhone(phone);
    if (!subscriber || subscriber.state !== 'active') return false;
    return this.deps.db.transaction(async (m) => {
      if (!(await this.deps.repo.leave(subscriber.id, at, m))) return false;
      const language = isAlertLang(subscriber.language) ? subscriber.language : this.deps.defaultLang;
      await this.consent(subscriber, 'stop', consentTexts(language).stop(phone, ourNumber), language, at, { via: 'sms', ourNumber }, m, null);
      return true;
    });
  }

  /** POST /public/alerts/export: the resident proves the number and gets everything kept about it. */
  async exportByCode(rawPhone: string, code: string) {
    const phone = this.phoneOf(rawPhone);
    const row = await this.deps.codes.check(phone, code);
    if (!row) throw invalidCode();
    const now = this.deps.clock();
    await this.deps.db.transaction(async (m) => {
      if (!(await this.deps.codeRepo.use(row.id, now, m))) throw invalidCode();
    });
    return this.dataOf(phone);
  }

  /** Staff (records, admin): the same export by number, audited like every read of citizens' data. */
  async exportForStaff(actor: Actor, rawPhone: string, route: string, ip: string | null) {
    assertMay(actor, 'keepRecords');
    const phone = this.phoneOf(rawPhone);
    const data = await this.dataOf(phone);
    if (!data.subscription && !data.consents.length) throw notFound('Alert subscriber');
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'alert_subscriber', entityId: phone, route, ip }]);
    return data;
  }

  async dataOf(phone: string) {
    const subscriber = await this.deps.repo.byPhone(phone);
    const choice = subscriber ? await this.deps.repo.choiceOf(subscriber) : null;
    const consents = await this.deps.repo.consentsOf(phone);
    return {
      phone,
      subscription: choice && {
        state: choice.subscriber.state,
        language: choice.subscriber.language,
        locality: choice.locality && { id: String(choice.locality.id), name: choice.locality.name },
        wholeLocality: choice.subscriber.wholeLocality,
        streets: choice.streets.map((s) => ({ id: String(s.id), name: s.name })),
        categories: choice.categories.map((c) => ({ code: c.code, name: c.name })),
        createdAt: choice.subscriber.createdAt.toISOString(),
        updatedAt: choice.subscriber.updatedAt.toISOString(),
        leftAt: choice.subscriber.leftAt?.toISOString() ?? null,
      },
      consents: consents.map((c) => ({
        action: c.action,
        at: c.createdAt.toISOString(),
        text: c.text,
        language: c.language,
        choice: c.choice ? (JSON.parse(c.choice) as unknown) : null,
        via: c.via,
        client: c.client,
        ourNumber: c.ourNumber,
      })),
    };
  }

  private consent(
    subscriber: Subscriber,
    action: ConsentAction,
    text: string,
    language: AlertLang,
    at: Date,
    origin: Origin,
    m: Parameters<SubscriptionRepository['addConsent']>[1],
    choice: Record<string, unknown> | null,
  ) {
    return this.deps.repo.addConsent(
      {
        subscriberId: subscriber.id,
        phone: subscriber.phone,
        action,
        text,
        language,
        choice: choice ? JSON.stringify(choice) : null,
        via: origin.via,
        client: origin.via === 'web' ? origin.client.slice(0, 64) : null,
        ourNumber: origin.via === 'sms' ? origin.ourNumber.slice(0, 32) : null,
        createdAt: at,
      },
      m,
    );
  }
}
