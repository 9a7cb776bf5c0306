import { In, type EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { currentRead } from '../db/locking';
import { ContactEmailEntity, ContactEntity, ContactPhoneEntity, type Contact } from '../db/entities';
import { toDate } from './inquiries';

export interface NewContact {
  name?: string | null;
  kind?: Contact['kind'];
  address?: string | null;
  postalCode?: string | null;
  city?: string | null;
  language?: string | null;
  phones?: string[];
  emails?: string[];
}

export interface ContactWithAddresses extends Contact {
  phones: string[];
  emails: string[];
}

const CONTACT_COLUMNS =
  'c.id AS id, c.name AS name, c.kind AS kind, c.address AS address, c.postal_code AS postalCode, c.city AS city, c.language AS language, c.created_at AS createdAt, c.updated_at AS updatedAt';
type ContactRow = Omit<Contact, 'createdAt' | 'updatedAt'> & { createdAt: Date | string; updatedAt: Date | string };
const toContact = (r: ContactRow): Contact => ({ ...r, id: Number(r.id), createdAt: toDate(r.createdAt), updatedAt: toDate(r.updatedAt) });

export class ContactRepository {
  constructor(private readonly deps: { db: Database }) {}

  private manager(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  /**
   * The screen pop's first read, on every call. Plain SQL: building the same statement through the
   * query builder allocated several times what the query itself does, and the garbage showed up as
   * the lookup's tail latency (bench/register).
   */
  async byPhone(e164: string, m?: EntityManager): Promise<Contact | null> {
    const rows: ContactRow[] = await this.manager(m).query(`SELECT ${CONTACT_COLUMNS} FROM contact_phones p INNER JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ?`, [e164]);
    return rows.length ? toContact(rows[0]) : null;
  }

  async byEmail(address: string, m?: EntityManager): Promise<Contact | null> {
    return this.manager(m)
      .getRepository(ContactEntity)
      .createQueryBuilder('c')
      .innerJoin('contact_emails', 'e', 'e.contact_id = c.id')
      .where('e.address = :address', { address: address.toLowerCase() })
      .getOne();
  }

  byId(id: number, m?: EntityManager): Promise<Contact | null> {
    return this.manager(m).getRepository(ContactEntity).findOne({ where: { id } });
  }

  async byIds(ids: number[]): Promise<Contact[]> {
    if (!ids.length) return [];
    return this.manager().getRepository(ContactEntity).find({ where: { id: In(ids) } });
  }

  async withAddresses(contacts: Contact[]): Promise<ContactWithAddresses[]> {
    if (!contacts.length) return [];
    const ids = contacts.map((c) => c.id);
    const [phones, emails] = await Promise.all([
      this.manager().getRepository(ContactPhoneEntity).find({ where: { contactId: In(ids) }, order: { id: 'ASC' } }),
      this.manager().getRepository(ContactEmailEntity).find({ where: { contactId: In(ids) }, order: { id: 'ASC' } }),
    ]);
    return contacts.map((c) => ({
      ...c,
      phones: phones.filter((p) => p.contactId === c.id).map((p) => p.e164),
      emails: emails.filter((e) => e.contactId === c.id).map((e) => e.address),
    }));
  }

  async create(input: NewContact, m: EntityManager): Promise<Contact> {
    const now = new Date();
    const contact = (await m.getRepository(ContactEntity).save({
      name: input.name ?? null,
      kind: input.kind ?? 'person',
      address: input.address ?? null,
      postalCode: input.postalCode ?? null,
      city: input.city ?? null,
      language: input.language ?? null,
      createdAt: now,
      updatedAt: now,
    })) as Contact;
    for (const e164 of input.phones ?? []) await m.getRepository(ContactPhoneEntity).insert({ contactId: contact.id, e164 });
    for (const address of input.emails ?? []) await m.getRepository(ContactEmailEntity).insert({ contactId: contact.id, address: address.toLowerCase() });
    return contact;
  }

  async update(id: number, patch: Partial<Pick<Contact, 'name' | 'address' | 'postalCode' | 'city' | 'language' | 'kind'>>, m: EntityManager) {
    await m.getRepository(ContactEntity).update({ id }, { ...patch, updatedAt: new Date() });
  }

  /** Adds the number to the contact unless someone already has it: a number belongs to one contact. */
  async addPhone(contactId: number, e164: string, m: EntityManager): Promise<'added' | 'already' | 'taken'> {
    const owner = await this.byPhone(e164, m);
    if (owner) return owner.id === contactId ? 'already' : 'taken';
    await m.getRepository(ContactPhoneEntity).insert({ contactId, e164 });
    return 'added';
  }

  async addEmail(contactId: number, address: string, m: EntityManager): Promise<'added' | 'already' | 'taken'> {
    const owner = await this.byEmail(address, m);
    if (owner) return owner.id === contactId ? 'already' : 'taken';
    await m.getRepository(ContactEmailEntity).insert({ contactId, address: address.toLowerCase() });
    return 'added';
  }

  /**
   * The contact who owns this number or address, created when nobody does. Two inbound messages
   * from a new number may race here; the unique key lets one win and the other reads the winner.
   */
  async findOrCreate(key: { phone?: string; email?: string }, fields: NewContact, m: EntityManager): Promise<{ contact: Contact; created: boolean }> {
    const existing = key.phone ? await this.byPhone(key.phone, m) : key.email ? await this.byEmail(key.email, m) : null;
    if (existing) return { contact: existing, created: false };
    const contact = await this.create({ ...fields, phones: [], emails: [] }, m);
    try {
      if (key.phone) await m.getRepository(ContactPhoneEntity).insert({ contactId: contact.id, e164: key.phone });
      else if (key.email) await m.getRepository(ContactEmailEntity).insert({ contactId: contact.id, address: key.email.toLowerCase() });
      for (const e164 of fields.phones ?? []) if (e164 !== key.phone) await this.addPhone(contact.id, e164, m);
      for (const a of fields.emails ?? []) if (a.toLowerCase() !== key.email?.toLowerCase()) await this.addEmail(contact.id, a, m);
      return { contact, created: true };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      await m.getRepository(ContactEntity).delete({ id: contact.id });
      const qb = this.manager(m).getRepository(ContactEntity).createQueryBuilder('c');
      if (key.phone) qb.innerJoin('contact_phones', 'p', 'p.contact_id = c.id').where('p.e164 = :v', { v: key.phone });
      else qb.innerJoin('contact_emails', 'e', 'e.contact_id = c.id').where('e.address = :v', { v: key.email!.toLowerCase() });
      const winner = await currentRead(qb).getOne();
      if (!winner) throw e;
      return { contact: winner, created: false };
    }
  }
}
