import type { InboundContact } from '../../server/inbound/contract';
import { InquiryEntity, MessageEntity, type Inquiry, type Message } from '../../server/register/entities';
import { fromRow, insertRow, selectList, updateRow } from '../../server/core/db/entity-sql';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * The inbound write path under concurrency, on both engines: the contact lock that also reads
 * the continuable inquiries, read-committed sessions on MariaDB (so new citizens never deadlock
 * on an index gap), and the plain-SQL row helpers it is written with.
 */

const DAY = 86_400_000;
const OUR_NUMBER = '+4740000000';

describe.each(engines())('inbound writes on $name', (engine) => {
  let s: TestServer;
  let seq = 0;
  const record = (over: Partial<InboundContact> = {}) =>
    s.app.inbound.record({
      channel: 'sms',
      externalId: `SM-iw-${++seq}`,
      from: { phone: '+4791800000' },
      to: OUR_NUMBER,
      body: `Melding ${seq}`,
      receivedAt: new Date(),
      continueWithinMs: 14 * DAY,
      ...over,
    });

  beforeAll(async () => {
    s = await startServer(engine);
  });
  afterAll(() => s.close());

  if (engine.name === 'mariadb') {
    it('runs every transaction read committed, on every pooled session', async () => {
      const levels = await Promise.all(
        Array.from({ length: 30 }, () =>
          s.app.db.transaction(async (m) => {
            const rows: { Value: string }[] = await m.query("SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation')");
            await m.query('SELECT SLEEP(0.02)');
            return rows.map((r) => r.Value);
          }),
        ),
      );
      expect(levels.flat().length).toBeGreaterThanOrEqual(30);
      expect(new Set(levels.flat())).toEqual(new Set(['READ-COMMITTED']));
    });
  }

  it('records 60 new citizens writing twice each, all at once, without a lost or failed message', async () => {
    const before = { inquiries: await s.count('inquiries'), contacts: await s.count('contacts'), messages: await s.count('messages') };
    // Adjacent numbers: on repeatable read their first messages locked the same index gaps and deadlocked.
    const phones = Array.from({ length: 60 }, (_, i) => `+47918${String(10000 + i).padStart(5, '0')}`);
    const results = await Promise.all(phones.flatMap((phone) => [record({ from: { phone } }), record({ from: { phone } })]));
    expect(await s.count('contacts')).toBe(before.contacts + 60);
    expect(await s.count('inquiries')).toBe(before.inquiries + 60);
    expect(await s.count('messages')).toBe(before.messages + 120);
    expect(results.filter((r) => r.opened)).toHaveLength(60);
    for (const phone of phones) {
      const mine = results.filter((r) => r.message.fromAddress === phone);
      expect(new Set(mine.map((r) => r.inquiry.id)).size).toBe(1);
    }
    // Each inquiry and message points at the right rows: the contact that owns the number.
    const rows: { phone: string; owner: number; contact: number; inquiry: number; messages: number }[] = await s.app.db.dataSource.query(
      `SELECT p.e164 AS phone, p.contact_id AS owner, i.contact_id AS contact, i.id AS inquiry, COUNT(x.id) AS messages
         FROM contact_phones p JOIN inquiries i ON i.citizen_address = p.e164 JOIN messages x ON x.inquiry_id = i.id
        WHERE p.e164 IN (${phones.map(() => '?').join(', ')}) GROUP BY p.e164, p.contact_id, i.contact_id, i.id`,
      phones,
    );
    expect(rows).toHaveLength(60);
    for (const r of rows) {
      expect(Number(r.contact)).toBe(Number(r.owner));
      expect(Number(r.messages)).toBe(2);
      const reported = results.filter((x) => x.message.fromAddress === r.phone);
      expect(reported.every((x) => x.inquiry.id === Number(r.inquiry) && x.contact?.id === Number(r.owner) && x.inquiry.contactId === Number(r.owner))).toBe(
        true,
      );
    }
  });

  it('continues a known citizen’s open inquiry for a burst of messages, opening none', async () => {
    const first = await record({ from: { phone: '+4791820001' } });
    const burst = await Promise.all(Array.from({ length: 25 }, () => record({ from: { phone: '+4791820001' } })));
    expect(burst.every((r) => !r.opened && r.inquiry.id === first.inquiry.id && r.contact?.id === first.contact?.id)).toBe(true);
    const timeline = await s.app.register.messages.timeline(first.inquiry.id);
    expect(timeline).toHaveLength(26);
  });

  it('opens exactly one inquiry when a known citizen without an open one writes many at once', async () => {
    const first = await record({ from: { phone: '+4791820002' } });
    await s.app.db.transaction((m) => s.app.register.inquiries.update(first.inquiry.id, { state: 'closed', closedAt: new Date() }, m));
    const burst = await Promise.all(Array.from({ length: 25 }, () => record({ from: { phone: '+4791820002' } })));
    expect(burst.filter((r) => r.opened)).toHaveLength(1);
    expect(new Set(burst.map((r) => r.inquiry.id)).size).toBe(1);
    expect(burst[0].inquiry.id).not.toBe(first.inquiry.id);
  });

  it('continues by e-mail address the same way, the address compared in lower case', async () => {
    const a = await record({ channel: 'email', from: { email: 'Kari@Example.no' }, to: 'post@kommune.no' });
    const b = await Promise.all(Array.from({ length: 5 }, () => record({ channel: 'email', from: { email: 'kari@example.no' }, to: 'post@kommune.no' })));
    expect(a.opened).toBe(true);
    expect(b.every((r) => !r.opened && r.inquiry.id === a.inquiry.id)).toBe(true);
  });

  it('writes and reads rows through the entity metadata with dates, JSON and nulls intact', async () => {
    const at = new Date('2026-11-23T10:11:12.345Z');
    const inquiry: Omit<Inquiry, 'id'> = {
      channel: 'sms',
      direction: 'in',
      state: 'open',
      departmentId: (await s.app.register.departments.byCode('switchboard'))!.id,
      assigneeId: null,
      contactId: null,
      caseId: null,
      caseMentioned: false,
      refersToInquiryId: null,
      subject: null,
      summary: 'Rader',
      channelAddress: OUR_NUMBER,
      citizenAddress: '+4791830000',
      createdAt: at,
      lastActivityAt: at,
      closedAt: null,
    };
    const message: Omit<Message, 'id'> = {
      inquiryId: 0,
      channel: 'sms',
      direction: 'in',
      kind: 'message',
      body: 'Æ ø å – "sitat" \\ ; DROP',
      bodyHtml: null,
      subject: null,
      fromAddress: '+4791830000',
      toAddress: OUR_NUMBER,
      externalId: 'SM-rows-1',
      status: 'delivered',
      meta: { media: [{ url: 'https://x.test/a', contentType: null }], n: 2 },
      authorId: null,
      createdAt: at,
      updatedAt: at,
    };
    const later = new Date(at.getTime() + 61_000);
    const ids = await s.app.db.transaction(async (m) => {
      const inquiryId = await insertRow(s.app.db, m, InquiryEntity, inquiry);
      const messageId = await insertRow(s.app.db, m, MessageEntity, { ...message, inquiryId });
      await updateRow(s.app.db, m, InquiryEntity, inquiryId, { state: 'waiting', lastActivityAt: later });
      return { inquiryId, messageId };
    });
    // Read back through TypeORM's own mapping, and through the plain-SQL mapping.
    expect(await s.app.register.inquiries.byId(ids.inquiryId)).toEqual({ ...inquiry, id: ids.inquiryId, state: 'waiting', lastActivityAt: later });
    expect(await s.app.register.messages.byId(ids.messageId)).toEqual({ ...message, id: ids.messageId, inquiryId: ids.inquiryId });
    const m = s.app.db.dataSource.manager;
    const [raw] = await m.query(`SELECT ${selectList(m, MessageEntity, 'x', 'p_')} FROM messages x WHERE x.id = ?`, [ids.messageId]);
    expect(fromRow(m, MessageEntity, raw, 'p_')).toEqual({ ...message, id: ids.messageId, inquiryId: ids.inquiryId });
    await expect(s.app.db.transaction((tx) => updateRow(s.app.db, tx, InquiryEntity, ids.inquiryId, { nonsense: 1 } as never))).rejects.toThrow(
      /no column for nonsense/,
    );
  });
});
