import type { InboundContact } from '../../server/inbound/contract';
import type { RegisterEventMap } from '../../server/register/events';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * Group commit of inbound messages, on both engines: messages that arrive together share a
 * transaction, and whatever a batch cannot take (a second message of one citizen, a duplicate
 * delivery, a case number to look up) still ends up stored exactly once by the one-message path.
 */

const DAY = 86_400_000;
const OUR_NUMBER = '+4740000000';

describe.each(engines())('inbound batches on $name', (engine) => {
  let s: TestServer;
  let seq = 0;
  const opened: RegisterEventMap['inquiry:opened'][] = [];
  const recorded: RegisterEventMap['message:recorded'][] = [];
  const sms = (phone: string, over: Partial<InboundContact> = {}): InboundContact => ({
    channel: 'sms',
    externalId: `SM-batch-${++seq}`,
    from: { phone },
    to: OUR_NUMBER,
    body: `Melding ${seq}`,
    receivedAt: new Date(),
    continueWithinMs: 14 * DAY,
    ...over,
  });
  /** Counts the transactions the inbound path opens, to see messages share them. */
  const countingTransactions = () => {
    const original = s.app.db.transaction;
    let n = 0;
    s.app.db.transaction = ((fn) => {
      n++;
      return original(fn);
    }) as typeof original;
    return { count: () => n, restore: () => void (s.app.db.transaction = original) };
  };

  beforeAll(async () => {
    s = await startServer(engine);
    s.app.register.events.on('inquiry:opened', (e) => void opened.push(e));
    s.app.register.events.on('message:recorded', (e) => void recorded.push(e));
  });
  afterAll(() => s.close());

  it('records 80 citizens writing at once in far fewer transactions, each message once and on the right inquiry', async () => {
    const returning = Array.from({ length: 40 }, (_, i) => `+47919${String(10000 + i)}`);
    const first = await Promise.all(returning.map((phone) => s.app.inbound.record(sms(phone))));
    const fresh = Array.from({ length: 40 }, (_, i) => `+47919${String(20000 + i)}`);
    const before = { contacts: await s.count('contacts'), inquiries: await s.count('inquiries'), messages: await s.count('messages') };
    const openedBefore = opened.length;
    const recordedBefore = recorded.length;

    const tx = countingTransactions();
    const results = await Promise.all([...returning, ...fresh].map((phone) => s.app.inbound.record(sms(phone))));
    tx.restore();

    expect(tx.count()).toBeLessThan(20);
    expect(await s.count('contacts')).toBe(before.contacts + 40);
    expect(await s.count('inquiries')).toBe(before.inquiries + 40);
    expect(await s.count('messages')).toBe(before.messages + 80);
    results.slice(0, 40).forEach((r, i) => {
      expect(r).toMatchObject({ opened: false, duplicate: false });
      expect(r.inquiry.id).toBe(first[i].inquiry.id);
      expect(r.contact?.id).toBe(first[i].contact?.id);
    });
    for (const r of results.slice(40)) {
      expect(r).toMatchObject({ opened: true, duplicate: false });
      const [row] = await s.app.db.dataSource.query(
        'SELECT i.contact_id AS contact, p.contact_id AS owner, x.inquiry_id AS inquiry FROM messages x JOIN inquiries i ON i.id = x.inquiry_id JOIN contact_phones p ON p.e164 = i.citizen_address WHERE x.id = ?',
        [r.message.id],
      );
      expect({ contact: Number(row.contact), owner: Number(row.owner), inquiry: Number(row.inquiry) }).toEqual({
        contact: r.contact!.id,
        owner: r.contact!.id,
        inquiry: r.inquiry.id,
      });
    }
    expect(opened.length - openedBefore).toBe(40);
    expect(
      recorded
        .slice(recordedBefore)
        .map((e) => e.message.id)
        .sort((a, b) => a - b),
    ).toEqual(results.map((r) => r.message.id).sort((a, b) => a - b));
  });

  it('stores everything once when a batch holds a repeat delivery, a second message of one citizen and a case number', async () => {
    const stored = await s.app.inbound.record(sms('+4791930000'));
    const beforeMessages = await s.count('messages');
    const repeat = { ...sms('+4791930000'), externalId: stored.message.externalId! };
    const results = await Promise.all([
      s.app.inbound.record(sms('+4791930001')),
      s.app.inbound.record(repeat),
      s.app.inbound.record(sms('+4791930002')),
      s.app.inbound.record(sms('+4791930002')),
      s.app.inbound.record(sms('+4791930003', { body: 'Gjelder sak 2026/4711' })),
      s.app.inbound.record(sms('+4791930000')),
    ]);
    expect(results[1]).toMatchObject({ duplicate: true });
    expect(results[1].message.id).toBe(stored.message.id);
    expect(results.filter((r) => r.duplicate)).toHaveLength(1);
    expect(await s.count('messages')).toBe(beforeMessages + 5);
    expect(results[2].inquiry.id).toBe(results[3].inquiry.id);
    expect([results[2].opened, results[3].opened].sort()).toEqual([false, true]);
    expect(results[5]).toMatchObject({ opened: false });
    expect(results[5].inquiry.id).toBe(stored.inquiry.id);
  });
});
