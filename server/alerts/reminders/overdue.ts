import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { In, LessThan } from 'typeorm';
import type { Database } from '../../core/db/database';
import { toE164 } from '../../core/phone';
import { SubscriberCategoryEntity, SubscriberEntity } from '../entities';
import { fold } from '../../core/search-fold';
import { isAlertLang, type AlertLang } from '../subscriptions.schemas';
import { LineErrors, readTable } from './csv-table';
import { OverduePaymentEntity, type OverduePayment } from './entities';
import { parseDay, type Day } from './zoned-time';

/*
 * Overdue taxes and fees: the finance system's list (number, due day, kind of tax or fee) gives a
 * reminder only to a resident who subscribed with that number and chose the `taxes` category.
 * The list must hold nothing more: a column that looks like an amount or a person's name refuses
 * the whole file, and only rows for such subscribers are kept, until their reminder has gone.
 */

export const TAXES_CATEGORY = 'taxes';

const OVERDUE_COLUMNS = {
  phone: { names: ['phone', 'number', 'mobile', 'msisdn', 'telefon', 'nr telefonu', 'tlf', 'mobil', 'telefonnummer'], required: true },
  due: { names: ['due', 'due date', 'due_on', 'termin', 'termin platnosci', 'data', 'forfall', 'forfallsdato', 'date'], required: true },
  kind: { names: ['kind', 'type', 'tax', 'fee', 'rodzaj', 'tytul', 'podatek', 'oplata', 'art', 'type avgift', 'avgift', 'skatt'], required: true },
};

/** Header words of amounts and of people's names, in the list's languages: such a column is never read. */
const AMOUNT_WORDS = [
  'amount',
  'sum',
  'total',
  'balance',
  'value',
  'price',
  'kwota',
  'suma',
  'naleznosc',
  'saldo',
  'wartosc',
  'zaleglosc',
  'belop',
  'pris',
  'restanse',
  'kr',
  'nok',
  'pln',
  'eur',
];
const NAME_WORDS = [
  'name',
  'first name',
  'last name',
  'surname',
  'firstname',
  'lastname',
  'full name',
  'imie',
  'nazwisko',
  'imie i nazwisko',
  'navn',
  'fornavn',
  'etternavn',
  'owner',
  'payer',
  'platnik',
];

export function refuseColumn(folded: string, raw: string): string | null {
  const words = folded.split(' ');
  if (AMOUNT_WORDS.some((w) => folded === w || words.includes(w)))
    return `The list has a column of amounts ("${raw}"); send only the number, the due date and the kind: amounts are never stored or sent`;
  if (NAME_WORDS.some((w) => folded === w || words.includes(w) || folded.includes(w)))
    return `The list has a column of names ("${raw}"); send only the number, the due date and the kind: names are never stored or sent`;
  return null;
}

/** A kind that looks like money (1 234,50; 99.00 zł; kr 300) is refused: the SMS must never carry an amount. */
const looksLikeAmount = (v: string) => /\d[\d\s]*[.,]\d{1,2}(?!\d)/.test(v) || /(zł|zl\b|kr\b|nok\b|pln\b|eur\b|€|\$|£)/i.test(v) || /^\d[\d\s]*$/.test(v);

export interface OverdueRow {
  phone: string;
  kind: string;
  dueOn: Day;
}

export async function readOverdueList(bytes: Buffer, defaultCountry: CountryCode): Promise<OverdueRow[]> {
  const rows = await readTable(bytes, OVERDUE_COLUMNS, { refuse: refuseColumn });
  const errors = new LineErrors();
  const out = new Map<string, OverdueRow>();
  for (const { line, cells } of rows) {
    const phone = toE164(cells.phone, defaultCountry);
    if (!phone) errors.add(line, 'the number is not a valid phone number');
    const kind = cells.kind;
    if (!kind || !fold(kind)) errors.add(line, 'the kind of tax or fee is empty');
    else if (kind.length > 64) errors.add(line, 'the kind is longer than 64 characters');
    else if (looksLikeAmount(kind)) errors.add(line, 'the kind looks like an amount; amounts are never stored or sent');
    const dueOn = parseDay(cells.due);
    if (!dueOn) errors.add(line, `"${cells.due.slice(0, 20)}" is not a date (YYYY-MM-DD or DD.MM.YYYY)`);
    if (!phone || !kind || !fold(kind) || kind.length > 64 || looksLikeAmount(kind) || !dueOn) continue;
    out.set(`${phone}\t${fold(kind)}\t${dueOn}`, { phone, kind, dueOn });
  }
  errors.fail('The list');
  return [...out.values()];
}

/** The once-only key: a hash, so the record of what was sent does not keep the number. */
export const overdueKey = (r: OverdueRow) =>
  `overdue:${createHash('sha256')
    .update(`${r.phone}\t${fold(r.kind)}\t${r.dueOn}`)
    .digest('hex')
    .slice(0, 40)}`;

export class OverdueRepository {
  constructor(private readonly deps: { db: Database }) {}

  private get m() {
    return this.deps.db.dataSource.manager;
  }

  /** Of these numbers, the active subscribers who chose the category, with their language. */
  async subscribedWith(phones: string[], category = TAXES_CATEGORY): Promise<Map<string, AlertLang>> {
    const out = new Map<string, AlertLang>();
    const unique = [...new Set(phones)];
    for (let i = 0; i < unique.length; i += 500) {
      const subs = await this.m.getRepository(SubscriberEntity).find({ where: { phone: In(unique.slice(i, i + 500)), state: 'active' } });
      if (!subs.length) continue;
      const chose = await this.m.getRepository(SubscriberCategoryEntity).find({ where: { subscriberId: In(subs.map((s) => s.id)), categoryCode: category } });
      const ids = new Set(chose.map((c) => c.subscriberId));
      for (const s of subs) if (ids.has(s.id)) out.set(s.phone, isAlertLang(s.language) ? s.language : 'en');
    }
    return out;
  }

  /** Adds the rows not yet stored; answers how many were new. */
  async add(rows: OverdueRow[], who: number | null, at: Date): Promise<number> {
    const repo = this.m.getRepository(OverduePaymentEntity);
    const phones = [...new Set(rows.map((r) => r.phone))];
    const have = new Set<string>();
    for (let i = 0; i < phones.length; i += 500)
      for (const r of await repo.findBy({ phone: In(phones.slice(i, i + 500)) })) have.add(`${r.phone}\t${fold(r.kind)}\t${r.dueOn}`);
    const fresh = rows.filter((r) => !have.has(`${r.phone}\t${fold(r.kind)}\t${r.dueOn}`));
    for (let i = 0; i < fresh.length; i += 200)
      await repo.insert(fresh.slice(i, i + 200).map((r) => ({ phone: r.phone, kind: r.kind, dueOn: r.dueOn, createdBy: who, createdAt: at })));
    return fresh.length;
  }

  /** Payments whose due day is before `today`: overdue, so their reminder is due. */
  due(today: Day): Promise<OverduePayment[]> {
    return this.m.getRepository(OverduePaymentEntity).find({ where: { dueOn: LessThan(today) }, order: { id: 'ASC' }, take: 5000 });
  }

  /** Forgets a payment once its reminder has gone, or once its resident no longer wants it. */
  async forget(id: number): Promise<void> {
    await this.m.getRepository(OverduePaymentEntity).delete({ id });
  }
}
