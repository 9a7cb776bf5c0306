import type { EntityManager } from 'typeorm';
import type { Database } from '../core/db/database';

/*
 * Everything the register, the voice line, the journal and the alerts hold about one citizen, read
 * for their export (GDPR art. 15), and the writes of correction (art. 16) and erasure (art. 17).
 * Raw SQL across those features' tables, like the purge: this is the one place that knows where a
 * citizen's data lives.
 */

type Row = Record<string, unknown>;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');
const date = (v: unknown) =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();

export interface CitizenData {
  contact: Row & { phones: string[]; emails: string[] };
  cases: Row[];
  inquiries: (Row & { messages: (Row & { events: Row[]; attachments: Row[] })[] })[];
  calls: Row[];
  journalEntries: Row[];
  alertSubscription: (Row & { streets: string[]; categories: string[] }) | null;
  consents: Row[];
  stopList: Row[];
  legalHolds: Row[];
}

export class CitizenRepository {
  constructor(private readonly deps: { db: Database }) {}

  private q(sql: string, params: unknown[] = [], m?: EntityManager): Promise<Row[]> {
    return (m ?? this.deps.db.dataSource.manager).query(sql, params);
  }
  private in(sql: (list: string) => string, ids: unknown[], m?: EntityManager): Promise<Row[]> {
    return ids.length ? this.q(sql(marks(ids.length)), ids, m) : Promise.resolve([]);
  }

  /** Contacts by exact number (E.164), exact e-mail, or a name containing the words given. */
  async find(by: { phone?: string | null; email?: string | null; name?: string }, limit: number): Promise<number[]> {
    const ids = new Set<number>();
    if (by.phone) for (const r of await this.q('SELECT contact_id FROM contact_phones WHERE e164 = ?', [by.phone])) ids.add(Number(r.contact_id));
    if (by.email)
      for (const r of await this.q('SELECT contact_id FROM contact_emails WHERE LOWER(address) = ?', [by.email.toLowerCase()])) ids.add(Number(r.contact_id));
    if (by.name) {
      // LIKE's own wildcards in the name are matched as themselves ('!' escapes: a backslash means different things to the two engines).
      const pattern = `%${by.name.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      for (const r of await this.q(`SELECT id FROM contacts WHERE LOWER(name) LIKE ? ESCAPE '!' ORDER BY id LIMIT ${limit}`, [pattern])) ids.add(Number(r.id));
    }
    return [...ids].slice(0, limit);
  }

  async contacts(ids: number[]): Promise<CitizenData['contact'][]> {
    const rows = await this.in(
      (l) => `SELECT id, name, kind, address, postal_code, city, language, created_at, updated_at FROM contacts WHERE id IN (${l}) ORDER BY id`,
      ids,
    );
    const phones = await this.in((l) => `SELECT contact_id, e164 FROM contact_phones WHERE contact_id IN (${l}) ORDER BY id`, ids);
    const emails = await this.in((l) => `SELECT contact_id, address FROM contact_emails WHERE contact_id IN (${l}) ORDER BY id`, ids);
    return rows.map((c) => ({
      id: Number(c.id),
      name: c.name,
      kind: c.kind,
      address: c.address,
      postalCode: c.postal_code,
      city: c.city,
      language: c.language,
      createdAt: date(c.created_at),
      updatedAt: date(c.updated_at),
      phones: phones.filter((p) => Number(p.contact_id) === Number(c.id)).map((p) => String(p.e164)),
      emails: emails.filter((e) => Number(e.contact_id) === Number(c.id)).map((e) => String(e.address)),
    }));
  }

  async data(contactId: number): Promise<CitizenData | null> {
    const [contact] = await this.contacts([contactId]);
    if (!contact) return null;
    const cases = await this.q(
      `SELECT k.id, k.case_number, k.title, k.status, k.is_open, d.code AS department, cc.role FROM case_contacts cc JOIN cases k ON k.id = cc.case_id
       JOIN departments d ON d.id = k.department_id WHERE cc.contact_id = ? ORDER BY k.id`,
      [contactId],
    );
    const inquiries = await this.q(
      `SELECT i.id, i.channel, i.direction, i.state, d.code AS department, k.case_number, i.subject, i.summary, i.citizen_address, i.channel_address, i.created_at, i.closed_at
       FROM inquiries i JOIN departments d ON d.id = i.department_id LEFT JOIN cases k ON k.id = i.case_id WHERE i.contact_id = ? ORDER BY i.id`,
      [contactId],
    );
    const inquiryIds = inquiries.map((i) => Number(i.id));
    const messages = await this.in(
      (l) =>
        `SELECT id, inquiry_id, channel, direction, kind, subject, body, from_address, to_address, status, external_id, created_at FROM messages WHERE inquiry_id IN (${l}) ORDER BY id`,
      inquiryIds,
    );
    const messageIds = messages.map((m) => Number(m.id));
    const events = await this.in(
      (l) => `SELECT message_id, status, provider_status, at FROM message_events WHERE message_id IN (${l}) ORDER BY id`,
      messageIds,
    );
    const attachments = await this.in(
      (l) => `SELECT id, message_id, filename, content_type, size, sha256, status, created_at FROM attachments WHERE message_id IN (${l}) ORDER BY id`,
      messageIds,
    );
    const phones = contact.phones;
    // A call is theirs when it became one of their inquiries or came from one of their numbers.
    const callWhere = [
      inquiryIds.length ? `inquiry_id IN (${marks(inquiryIds.length)})` : null,
      phones.length ? `from_e164 IN (${marks(phones.length)})` : null,
    ].filter(Boolean);
    const calls = callWhere.length
      ? await this.q(`SELECT call_sid, from_e164, to_number, inquiry_id, created_at, ended_at FROM calls WHERE ${callWhere.join(' OR ')} ORDER BY id`, [
          ...inquiryIds,
          ...phones,
        ])
      : [];
    const journal = await this.in(
      (l) =>
        `SELECT id, message_id, system_id, journal_year, journal_seq, post_number, case_number, title, delivery_state, delivered_at FROM journal_entries WHERE inquiry_id IN (${l}) ORDER BY id`,
      inquiryIds,
    );
    const [subscriber] = await this.in(
      (l) => `SELECT id, phone, locality_id, whole_locality, language, state, created_at, left_at FROM alert_subscribers WHERE phone IN (${l})`,
      phones,
    );
    const streets = subscriber
      ? await this.q(
          'SELECT st.name FROM alert_subscriber_streets s JOIN address_streets st ON st.id = s.street_id WHERE s.subscriber_id = ? ORDER BY st.name',
          [subscriber.id],
        )
      : [];
    const categories = subscriber
      ? await this.q('SELECT category_code FROM alert_subscriber_categories WHERE subscriber_id = ? ORDER BY category_code', [subscriber.id])
      : [];
    const locality = subscriber ? (await this.q('SELECT name FROM address_localities WHERE id = ?', [subscriber.locality_id]))[0] : null;
    const consents = await this.in(
      (l) => `SELECT id, phone, action, text, language, choice, via, created_at FROM alert_consents WHERE phone IN (${l}) ORDER BY id`,
      phones,
    );
    const stopList = await this.in((l) => `SELECT phone, sender, created_at FROM sms_stop_list WHERE phone IN (${l}) ORDER BY id`, phones);
    const caseIds = cases.map((k) => Number(k.id));
    const holds = await this.q(
      `SELECT id, reason, created_at FROM legal_holds WHERE released_at IS NULL AND (contact_id = ?${caseIds.length ? ` OR case_id IN (${marks(caseIds.length)})` : ''}) ORDER BY id`,
      [contactId, ...caseIds],
    );
    return {
      contact,
      cases: cases.map((k) => ({
        id: Number(k.id),
        caseNumber: k.case_number,
        title: k.title,
        status: k.status,
        open: Boolean(Number(k.is_open)),
        department: k.department,
        role: k.role,
      })),
      inquiries: inquiries.map((i) => ({
        id: Number(i.id),
        channel: i.channel,
        direction: i.direction,
        state: i.state,
        department: i.department,
        caseNumber: i.case_number ?? null,
        subject: i.subject,
        summary: i.summary,
        citizenAddress: i.citizen_address,
        ourAddress: i.channel_address,
        createdAt: date(i.created_at),
        closedAt: date(i.closed_at),
        messages: messages
          .filter((m) => Number(m.inquiry_id) === Number(i.id))
          .map((m) => ({
            id: Number(m.id),
            channel: m.channel,
            direction: m.direction,
            kind: m.kind,
            subject: m.subject,
            body: m.body,
            from: m.from_address,
            to: m.to_address,
            status: m.status,
            providerId: m.external_id,
            createdAt: date(m.created_at),
            events: events
              .filter((e) => Number(e.message_id) === Number(m.id))
              .map((e) => ({ status: e.status, providerStatus: e.provider_status, at: date(e.at) })),
            attachments: attachments
              .filter((a) => Number(a.message_id) === Number(m.id))
              .map((a) => ({
                id: Number(a.id),
                filename: a.filename,
                contentType: a.content_type,
                size: Number(a.size),
                sha256: a.sha256,
                status: a.status,
                createdAt: date(a.created_at),
                content: a.status === 'stored' ? `/api/attachments/${Number(a.id)}` : null,
              })),
          })),
      })),
      calls: calls.map((c) => ({
        callSid: c.call_sid,
        from: c.from_e164,
        to: c.to_number,
        inquiryId: c.inquiry_id === null ? null : Number(c.inquiry_id),
        at: date(c.created_at),
        endedAt: date(c.ended_at),
      })),
      journalEntries: journal.map((j) => ({
        id: Number(j.id),
        messageId: Number(j.message_id),
        systemId: j.system_id,
        postNumber: j.post_number === null ? null : Number(j.post_number),
        journal: `${Number(j.journal_year)}/${Number(j.journal_seq)}`,
        caseNumber: j.case_number,
        title: j.title,
        deliveryState: j.delivery_state,
        deliveredAt: date(j.delivered_at),
      })),
      alertSubscription: subscriber
        ? {
            phone: subscriber.phone,
            locality: locality?.name ?? null,
            wholeLocality: Boolean(Number(subscriber.whole_locality)),
            language: subscriber.language,
            state: subscriber.state,
            createdAt: date(subscriber.created_at),
            leftAt: date(subscriber.left_at),
            streets: streets.map((s) => String(s.name)),
            categories: categories.map((c) => String(c.category_code)),
          }
        : null,
      consents: consents.map((c) => ({
        id: Number(c.id),
        phone: c.phone,
        action: c.action,
        text: c.text,
        language: c.language,
        choice: c.choice,
        via: c.via,
        at: date(c.created_at),
      })),
      stopList: stopList.map((x) => ({ phone: x.phone, sender: x.sender, at: date(x.created_at) })),
      legalHolds: holds.map((h) => ({ id: Number(h.id), reason: h.reason, at: date(h.created_at) })),
    };
  }
}

/** Removes a number or an address from a contact (correction); answers whether it was theirs. */
export async function removeContactAddress(m: EntityManager, contactId: number, kind: 'phone' | 'email', value: string): Promise<boolean> {
  const sql =
    kind === 'phone'
      ? 'DELETE FROM contact_phones WHERE contact_id = ? AND e164 = ?'
      : 'DELETE FROM contact_emails WHERE contact_id = ? AND LOWER(address) = ?';
  const r = (await m.queryRunner!.query(sql, [contactId, kind === 'phone' ? value : value.toLowerCase()], true)) as { affected?: number };
  return (r.affected ?? 0) > 0;
}
