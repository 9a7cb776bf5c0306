import { In, type EntityManager } from 'typeorm';
import { type Database, isUniqueViolation } from '../core/db/database';
import { currentRead } from '../core/db/current-read';
import { operand, placeholders } from '../core/db/placeholders';
import { ContactEmailEntity, ContactEntity, ContactPhoneEntity, InquiryEntity, type Contact, type Inquiry } from './entities';
import { fromRow, insertStatements, lastInsertId, selectList, toDate } from '../core/db/entity-sql';
import type { Statement, TransactionSteps } from '../core/db/transactions';
import { continuableSelect, continuableWhere, type Continuation } from './inquiries.repository';
import { NAME_KEY_COLUMNS, nameKeys } from './contact-names';
import { prefixCondition } from '../core/search-fold';

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
const toContact = (r: ContactRow): Contact => ({
  id: Number(r.id),
  name: r.name,
  kind: r.kind,
  address: r.address,
  postalCode: r.postalCode,
  city: r.city,
  language: r.language,
  createdAt: toDate(r.createdAt),
  updatedAt: toDate(r.updatedAt),
});

export type ContactKey = { phone: string } | { email: string };

/** A contact found by its address, locked, with the inquiries a message could continue when asked for. */
export interface Owner {
  contact: Contact;
  continuable?: Inquiry[];
}

/** The address table, its column and the stored value (e-mail in lower case) for a key. */
export const addressOf = (key: ContactKey): [table: string, column: string, value: string] =>
  'phone' in key ? ['contact_phones', 'e164', key.phone] : ['contact_emails', 'address', key.email.toLowerCase()];

export class ContactRepository {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  private manager(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  /**
   * The screen pop's first read, on every call. Plain SQL: building the same statement through the
   * query builder allocated several times what the query itself does, and the garbage showed up as
   * the lookup's tail latency (bench/register).
   */
  async byPhone(e164: string, m?: EntityManager): Promise<Contact | null> {
    const read = this.byPhoneReading(e164);
    return this.contactFrom(await this.manager(m).query(read.sql, read.params));
  }

  /**
   * byPhone as a statement for a batch; its rows give the contact through {@link contactFrom}. The
   * number may be SQL that gives it (a subquery), for a batch that reads it in the same trip.
   */
  byPhoneReading(number: string | Statement): Statement {
    const n = operand(number);
    return { sql: `SELECT ${CONTACT_COLUMNS} FROM contact_phones p INNER JOIN contacts c ON c.id = p.contact_id WHERE p.e164 = ${n.sql}`, params: n.params };
  }

  contactFrom(rows: Record<string, unknown>[] | undefined): Contact | null {
    return rows?.length ? toContact(rows[0] as ContactRow) : null;
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

  /** The owners of several numbers in one statement, by number (a number has at most one owner). */
  async byPhones(e164s: string[]): Promise<Map<string, Contact>> {
    const unique = [...new Set(e164s)].slice(0, 500);
    if (!unique.length) return new Map();
    const rows: (ContactRow & { e164: string })[] = await this.manager().query(
      `SELECT ${CONTACT_COLUMNS}, p.e164 AS e164 FROM contact_phones p INNER JOIN contacts c ON c.id = p.contact_id WHERE p.e164 IN (${placeholders(unique)})`,
      unique,
    );
    return new Map(rows.map((r) => [r.e164, toContact(r)]));
  }

  async byIds(ids: number[]): Promise<Contact[]> {
    if (!ids.length) return [];
    return this.manager()
      .getRepository(ContactEntity)
      .find({ where: { id: In(ids) } });
  }

  async withAddresses(contacts: Contact[]): Promise<ContactWithAddresses[]> {
    if (!contacts.length) return [];
    const ids = contacts.map((c) => c.id);
    const [phones, emails] = await Promise.all([
      this.manager()
        .getRepository(ContactPhoneEntity)
        .find({ where: { contactId: In(ids) }, order: { id: 'ASC' } }),
      this.manager()
        .getRepository(ContactEmailEntity)
        .find({ where: { contactId: In(ids) }, order: { id: 'ASC' } }),
    ]);
    return contacts.map((c) => ({
      ...c,
      phones: phones.filter((p) => p.contactId === c.id).map((p) => p.e164),
      emails: emails.filter((e) => e.contactId === c.id).map((e) => e.address),
    }));
  }

  /**
   * Contacts whose name starts with `key` (folded), by first name or by surname, alphabetical; at
   * most `limit` ids: one index range on each of the key columns.
   */
  async idsByNamePrefix(key: string, limit: number): Promise<number[]> {
    const n = Math.max(1, Math.min(500, Math.floor(limit)));
    const q = this.deps.db.dataSource.manager;
    const found = await Promise.all(
      NAME_KEY_COLUMNS.map(async (column) => {
        const r = prefixCondition(this.deps.db.dialect, column, key);
        const rows = (await q.query(`SELECT id, ${column} AS k FROM contacts WHERE ${r.sql} ORDER BY ${column}, id LIMIT ${n}`, r.params)) as {
          id: unknown;
          k: string;
        }[];
        return rows.map((x) => ({ id: Number(x.id), k: x.k }));
      }),
    );
    const seen = new Set<number>();
    return found
      .flat()
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.id - b.id))
      .filter((x) => !seen.has(x.id) && seen.add(x.id))
      .slice(0, n)
      .map((x) => x.id);
  }

  /**
   * Fills the search keys of contacts stored before they existed (or by a bulk load), a batch at a
   * time in id order, so a register of a million is indexed in the background without one long
   * lock. Gives how many it filled.
   */
  async fillNameKeys(batch = 500): Promise<number> {
    const q = this.deps.db.dataSource.manager;
    let filled = 0;
    for (let after = 0; ;) {
      const rows = (await q.query(
        `SELECT id, name FROM contacts WHERE id > ? AND name IS NOT NULL AND name_key IS NULL ORDER BY id LIMIT ${Math.floor(batch)}`,
        [after],
      )) as { id: unknown; name: string }[];
      if (!rows.length) return filled;
      // One UPDATE per batch (a CASE per column), not one per row: a million rows in minutes, not an hour.
      const keyed = rows.map((r) => ({ id: Number(r.id), ...nameKeys(r.name) })).filter((r) => r.nameKey);
      if (keyed.length) {
        const cases = (k: 'nameKey' | 'nameKeySecond' | 'nameKeyLast') => ({
          sql: `CASE id ${keyed.map(() => 'WHEN ? THEN ?').join(' ')} END`,
          params: keyed.flatMap((r) => [r.id, r[k]]),
        });
        const [a, b, c] = [cases('nameKey'), cases('nameKeySecond'), cases('nameKeyLast')];
        await this.deps.db.statement((m) =>
          m.query(
            `UPDATE contacts SET name_key = ${a.sql}, name_key_second = ${b.sql}, name_key_last = ${c.sql} WHERE id IN (${keyed.map(() => '?').join(', ')}) AND name_key IS NULL`,
            [...a.params, ...b.params, ...c.params, ...keyed.map((r) => r.id)],
          ),
        );
      }
      filled += rows.length;
      after = Number(rows[rows.length - 1].id);
    }
  }

  /** Whether the register holds no citizen yet (a fresh install, where the demo may fill it). */
  async isEmpty(): Promise<boolean> {
    return (await this.deps.db.dataSource.manager.getRepository(ContactEntity).count({ take: 1 })) === 0;
  }

  async create(input: NewContact, m: EntityManager): Promise<Contact> {
    const now = this.deps.clock();
    const contact = (await m.getRepository(ContactEntity).save({
      name: input.name ?? null,
      ...nameKeys(input.name),
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
    const keys = patch.name !== undefined ? nameKeys(patch.name) : {};
    await m.getRepository(ContactEntity).update({ id }, { ...patch, ...keys, updatedAt: this.deps.clock() });
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
   * The contact who owns this number or address, row-locked for the rest of the transaction on
   * MariaDB, and with `continuation` the inquiries a message from this address could continue,
   * in one statement (with a transaction's `read`, the one that also starts it). STRAIGHT_JOIN
   * keeps MariaDB reading the address and contact first, so a message that waits for the lock
   * reads the inquiries only afterwards and sees one its predecessor opened. Plain SQL, as it
   * runs for every inbound message.
   *
   * Relies on read-committed transactions (server/db/database.ts): a lookup that finds nothing
   * locks nothing, so two new numbers never deadlock on an index gap.
   */
  async lockOwner(key: ContactKey, m: EntityManager, read: TransactionSteps['read'], continuation?: Continuation): Promise<Owner | null> {
    const lock = this.locking(key, m, continuation);
    return this.ownerFrom(await read(lock.sql, lock.params), m, continuation);
  }

  /** lockOwner's statement, to send together with others (see ownerFrom for its rows). */
  locking(key: ContactKey, m: EntityManager, continuation?: Continuation): Statement {
    const mysql = this.deps.db.dialect === 'mysql';
    const [table, column, value] = addressOf(key);
    let sql = `SELECT ${mysql ? 'STRAIGHT_JOIN ' : ''}${CONTACT_COLUMNS}`;
    const params: unknown[] = [];
    if (continuation) {
      const where = continuableWhere(this.deps.db, 'i', continuation);
      sql += `, ${selectList(m, InquiryEntity, 'i', 'i_')} FROM ${table} a INNER JOIN contacts c ON c.id = a.contact_id LEFT JOIN inquiries i ON i.citizen_address = a.${column} AND ${where.sql}`;
      params.push(...where.params);
    } else {
      sql += ` FROM ${table} a INNER JOIN contacts c ON c.id = a.contact_id`;
    }
    sql += ` WHERE a.${column} = ?${mysql ? ' FOR UPDATE' : ''}`;
    params.push(value);
    return { sql, params };
  }

  /** The owner, and with `continuation` its continuable inquiries, from the rows of locking(). */
  ownerFrom(rows: Record<string, unknown>[], m: EntityManager, continuation?: Continuation): Owner | null {
    if (!rows.length) return null;
    const contact = toContact(rows[0] as ContactRow);
    if (!continuation) return { contact };
    return { contact, continuable: rows.filter((r) => r.i_id !== null && r.i_id !== undefined).map((r) => fromRow(m, InquiryEntity, r, 'i_')) };
  }

  /** The statements creating a contact who owns this number or address; the first gives back `{ id }`. */
  creating(key: ContactKey, name: string | null, m: EntityManager, now: Date): { row: Omit<Contact, 'id'>; statements: Statement[] } {
    const row: Omit<Contact, 'id'> = {
      name,
      kind: 'person',
      address: null,
      postalCode: null,
      city: null,
      language: null,
      createdAt: now,
      updatedAt: now,
      ...nameKeys(name),
    };
    const [table, column, value] = addressOf(key);
    return {
      row,
      statements: [
        ...insertStatements(this.deps.db, m, ContactEntity, row),
        { sql: `INSERT INTO ${table} (contact_id, ${column}) VALUES (${lastInsertId(this.deps.db)}, ?)`, params: [value] },
      ],
    };
  }

  /** SQL for the id of the contact who owns this number or address, for a row inserted in the same batch as the contact. */
  idOf(key: ContactKey): Statement {
    const [table, column, value] = addressOf(key);
    return { sql: `(SELECT contact_id FROM ${table} WHERE ${column} = ?)`, params: [value] };
  }

  /**
   * Creates the contact for a number or address that lockOwner found no owner of, with the
   * inquiries it could continue (for a number someone may have had before), in one round trip;
   * the contact's rows are locked by their insert. Another message from the same new citizen may
   * commit first: then the batch is undone to its savepoint and that contact is locked instead.
   */
  async createLocked(
    key: ContactKey,
    name: string | null,
    m: EntityManager,
    steps: Pick<TransactionSteps, 'read' | 'together'>,
    continuation?: Continuation,
  ): Promise<Owner & { created: boolean }> {
    const { row, statements } = this.creating(key, name, m, this.deps.clock());
    try {
      const [[{ id }], continuable] = await steps.together([
        { sql: 'SAVEPOINT new_contact', params: [] },
        ...statements,
        ...(continuation ? [continuableSelect(this.deps.db, m, { ...continuation, citizenAddress: addressOf(key)[2] })] : []),
      ]);
      return {
        contact: { id: Number(id), ...row },
        created: true,
        continuable: continuation ? continuable.map((r) => fromRow(m, InquiryEntity, r)) : undefined,
      };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      await m.query('ROLLBACK TO SAVEPOINT new_contact');
      const winner = await this.lockOwner(key, m, steps.read, continuation);
      if (!winner) throw e;
      return { ...winner, created: false };
    }
  }

  /**
   * The contact who owns this number or address, created when nobody does (a case's parties, a
   * send's recipients). Two writers may race here; the unique key lets one win and the other reads the winner.
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
