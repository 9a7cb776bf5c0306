import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';
import { anonymiseInquiries, write } from './purge.repository';

/*
 * Erasure of one citizen (GDPR art. 17): what goes, what stays and why. What the archive law keeps
 * stays: inquiries tied to a case, and content journaled but not yet confirmed by the archive; a
 * case party keeps the name and addresses the case file needs. The STOP list keeps the number (so
 * nothing is sent to it again), and the audit trail keeps every staff read (accountability).
 */

export interface Kept {
  what: 'case' | 'inquiry' | 'contact' | 'stop_list' | 'audit_trail';
  id: string;
  why: 'case_party' | 'tied_to_case' | 'awaiting_archive' | 'stop_list' | 'accountability';
}

export interface ErasurePlan {
  contactId: number;
  /** Active legal holds on the citizen or their cases: erasure is refused while any stands. */
  holds: number[];
  erase: { inquiries: number[]; subscriberIds: number[]; consentIds: number[]; calls: number; contact: 'delete' | 'reduce' };
  keep: Kept[];
}

type Row = Record<string, unknown>;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

export class ErasureRepository {
  constructor(private readonly deps: { db: Database }) {}

  async plan(contactId: number, m?: EntityManager): Promise<ErasurePlan> {
    const q = (sql: string, p: unknown[]): Promise<Row[]> => (m ?? this.deps.db.dataSource.manager).query(sql, p);
    const phones = (await q('SELECT e164 FROM contact_phones WHERE contact_id = ?', [contactId])).map((r) => String(r.e164));
    const cases = await q('SELECT k.id, k.case_number FROM case_contacts cc JOIN cases k ON k.id = cc.case_id WHERE cc.contact_id = ? ORDER BY k.id', [
      contactId,
    ]);
    const caseIds = cases.map((k) => Number(k.id));
    const holds = await q(
      `SELECT id FROM legal_holds WHERE released_at IS NULL AND (contact_id = ?${caseIds.length ? ` OR case_id IN (${marks(caseIds.length)})` : ''})`,
      [contactId, ...caseIds],
    );
    const inquiries = await q(
      `SELECT i.id, k.case_number, (SELECT COUNT(*) FROM journal_entries j WHERE j.inquiry_id = i.id AND j.delivery_state <> 'delivered') AS unconfirmed
       FROM inquiries i LEFT JOIN cases k ON k.id = i.case_id WHERE i.contact_id = ? ORDER BY i.id`,
      [contactId],
    );
    const keep: Kept[] = cases.map((k) => ({ what: 'case', id: String(k.case_number), why: 'case_party' }));
    const erase: number[] = [];
    for (const i of inquiries) {
      if (i.case_number) keep.push({ what: 'inquiry', id: String(i.id), why: 'tied_to_case' });
      else if (Number(i.unconfirmed) > 0) keep.push({ what: 'inquiry', id: String(i.id), why: 'awaiting_archive' });
      else erase.push(Number(i.id));
    }
    const keepsContact = cases.length > 0 || erase.length < inquiries.length;
    if (keepsContact) keep.push({ what: 'contact', id: String(contactId), why: cases.length ? 'case_party' : 'tied_to_case' });
    const inPhones = (sql: (l: string) => string) => (phones.length ? q(sql(marks(phones.length)), phones) : Promise.resolve([] as Row[]));
    const subscribers = await inPhones((l) => `SELECT id FROM alert_subscribers WHERE phone IN (${l})`);
    const consents = await inPhones((l) => `SELECT id FROM alert_consents WHERE phone IN (${l})`);
    const stops = await inPhones((l) => `SELECT DISTINCT phone FROM sms_stop_list WHERE phone IN (${l})`);
    for (const s of stops) keep.push({ what: 'stop_list', id: String(s.phone), why: 'stop_list' });
    const [calls] = phones.length
      ? await q(
          `SELECT COUNT(*) AS n FROM calls WHERE from_e164 IN (${marks(phones.length)}) AND (inquiry_id IS NULL OR inquiry_id NOT IN (SELECT id FROM inquiries WHERE contact_id = ? AND case_id IS NOT NULL))`,
          [...phones, contactId],
        )
      : [];
    keep.push({ what: 'audit_trail', id: String(contactId), why: 'accountability' });
    return {
      contactId,
      holds: holds.map((h) => Number(h.id)),
      erase: {
        inquiries: erase,
        subscriberIds: subscribers.map((s) => Number(s.id)),
        consentIds: consents.map((c) => Number(c.id)),
        calls: Number(calls?.n ?? 0),
        contact: keepsContact ? 'reduce' : 'delete',
      },
      keep,
    };
  }

  /** Carries out a plan inside the caller's transaction; answers the counts of what went. */
  async apply(plan: ErasurePlan, now: Date, m: EntityManager): Promise<Record<string, number>> {
    const at = this.deps.db.param(now);
    const done: Record<string, number> = { ...(await anonymiseInquiries(m, plan.erase.inquiries, at)) };
    const phones = ((await m.query('SELECT e164 FROM contact_phones WHERE contact_id = ?', [plan.contactId])) as Row[]).map((r) => String(r.e164));
    if (phones.length) {
      const kept = `SELECT id FROM inquiries WHERE case_id IS NOT NULL AND contact_id = ?`;
      done.calls =
        (done.calls ?? 0) +
        (await write(
          m,
          `UPDATE calls SET from_e164 = NULL, transfer_note = NULL WHERE from_e164 IN (${marks(phones.length)}) AND (inquiry_id IS NULL OR inquiry_id NOT IN (${kept}))`,
          [...phones, plan.contactId],
        ));
      await write(m, `UPDATE phone_verifications SET from_e164 = NULL, sent_to = NULL WHERE from_e164 IN (${marks(phones.length)})`, phones);
    }
    const subs = plan.erase.subscriberIds;
    if (subs.length) {
      const l = marks(subs.length);
      await m.query(`DELETE FROM alert_subscriber_streets WHERE subscriber_id IN (${l})`, subs);
      await m.query(`DELETE FROM alert_subscriber_categories WHERE subscriber_id IN (${l})`, subs);
      await m.query(`UPDATE alert_consents SET subscriber_id = NULL WHERE subscriber_id IN (${l})`, subs);
      done.subscriptions = await write(m, `DELETE FROM alert_subscribers WHERE id IN (${l})`, subs);
    }
    if (plan.erase.consentIds.length)
      done.consents = await write(m, `DELETE FROM alert_consents WHERE id IN (${marks(plan.erase.consentIds.length)})`, plan.erase.consentIds);
    if (plan.erase.contact === 'delete') {
      await m.query('DELETE FROM contact_phones WHERE contact_id = ?', [plan.contactId]);
      await m.query('DELETE FROM contact_emails WHERE contact_id = ?', [plan.contactId]);
      done.contacts = await write(m, 'DELETE FROM contacts WHERE id = ?', [plan.contactId]);
    } else {
      // The case file needs the party's name and how to reach them; the rest of what we held goes.
      done.contactDetails = await write(
        m,
        'UPDATE contacts SET address = NULL, postal_code = NULL, city = NULL, language = NULL, updated_at = ? WHERE id = ?',
        [at, plan.contactId],
      );
    }
    return done;
  }
}
