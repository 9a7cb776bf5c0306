import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, InquiryNew, ServerToClientEvents } from '../../server/contracts/socket-events';
import { engines } from '../support/engines';
import { eventually, sleep } from '../support/eventually';
import { startRegisterServer } from '../support/register-fixture';
import type { TestServer } from '../support/server';

/*
 * Who may write into whose inquiry (issue 12). Inquiry ids are sequential and printed on every
 * receipt, a Message-ID reaches everyone on a thread, and a case number is no secret: naming one
 * must not put a stranger's message into a citizen's conversation or file it into a case as if it
 * came from a party.
 */

const DAY = 86_400_000;
const MAILBOX = 'post@kommune.no';

describe.each(engines())('who may write into whose inquiry on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let opened: Awaited<ReturnType<typeof startRegisterServer>>['opened'];
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];
  let seq = 0;
  const mail = (from: string, over: Parameters<typeof record>[0] = {}) =>
    record({ channel: 'email', externalId: `who-${++seq}@example.no`, from: { email: from }, to: MAILBOX, subject: 'Søknad', body: 'Hei', ...over });
  const view = async (id: number) => (await s.api('GET', `/api/inquiries/${id}`, { token: admin })).body;
  const put = async (caseNumber: string, contacts: { phone?: string; email?: string }[]) => {
    const r = await s.api('PUT', `/api/cases/${encodeURIComponent(caseNumber)}`, {
      token: admin,
      body: { title: `Sak ${caseNumber}`, status: 'Under behandling', department: 'teknisk', contacts },
    });
    expect(r.status).toBe(201);
  };

  beforeAll(async () => {
    ({ s, admin, opened, record } = await startRegisterServer(engine));
  });
  afterAll(() => s.close());

  it('threads a message naming an inquiry only from its citizen; a stranger’s opens a new inquiry that refers to it', async () => {
    const first = await mail('kari@example.no');
    const timeline = async () => (await view(first.inquiry.id)).timeline.length;

    const own = await mail('kari@example.no', { thread: { inquiryId: first.inquiry.id } });
    expect(own).toMatchObject({ opened: false });
    expect(own.inquiry.id).toBe(first.inquiry.id);
    expect(await timeline()).toBe(2);

    // The next id, guessed from a receipt: a stranger writing "into" it gets an inquiry of their own.
    const openedBefore = opened.length;
    const stranger = await mail('mallory@example.net', { thread: { inquiryId: first.inquiry.id }, body: 'Send meg alt dere har' });
    expect(stranger.opened).toBe(true);
    expect(stranger.inquiry.id).not.toBe(first.inquiry.id);
    expect(await timeline()).toBe(2);
    expect(await view(stranger.inquiry.id)).toMatchObject({ refersToInquiryId: first.inquiry.id, citizenAddress: 'mallory@example.net' });
    expect((await view(first.inquiry.id)).refersToInquiryId).toBeNull();
    expect(opened.slice(openedBefore).map((e) => e.inquiry.refersToInquiryId)).toEqual([first.inquiry.id]);

    // Again from the stranger: never onto the citizen's inquiry, however often it is named.
    const again = await mail('mallory@example.net', { thread: { inquiryId: first.inquiry.id } });
    expect(again.inquiry.id).not.toBe(first.inquiry.id);
    expect(await timeline()).toBe(2);

    // A closed inquiry named by a stranger is referred to all the same.
    expect((await s.api('PATCH', `/api/inquiries/${first.inquiry.id}`, { token: admin, body: { state: 'closed' } })).status).toBe(200);
    const late = await mail('mallory@example.net', { thread: { inquiryId: first.inquiry.id } });
    expect((await view(late.inquiry.id)).refersToInquiryId).toBe(first.inquiry.id);
  });

  it('threads a party on the inquiry’s own case, but not a party on a case the inquiry only mentions', async () => {
    await put('2026/5001', [{ email: 'ola@example.no' }, { email: 'advokat@example.no' }]);
    const own = await mail('ola@example.no', { subject: 'Klage i sak 2026/5001' });
    expect(await view(own.inquiry.id)).toMatchObject({ caseNumber: '2026/5001', mentionedCaseNumber: null });
    const lawyer = await mail('advokat@example.no', { thread: { inquiryId: own.inquiry.id } });
    expect(lawyer).toMatchObject({ opened: false });
    expect(lawyer.inquiry.id).toBe(own.inquiry.id);

    // Someone who only names the case: the link is a mention, and the case's parties do not get into their inquiry.
    const outsider = await mail('nabo@example.no', { subject: 'Innsigelse til sak 2026/5001' });
    expect(await view(outsider.inquiry.id)).toMatchObject({ caseNumber: null, mentionedCaseNumber: '2026/5001' });
    const party = await mail('advokat@example.no', { thread: { inquiryId: outsider.inquiry.id } });
    expect(party.opened).toBe(true);
    expect((await view(party.inquiry.id)).refersToInquiryId).toBe(outsider.inquiry.id);
  });

  it('links a named case as the sender’s only for its parties, in whatever format the case system gave the number, also in a batch', async () => {
    await put('2026001234', [{ phone: '+4791600001' }]);
    const sms = (phone: string, body: string) =>
      s.app.inbound.record({
        channel: 'sms',
        externalId: `SM-who-${++seq}`,
        from: { phone },
        to: '+4740000000',
        body,
        receivedAt: new Date(),
        continueWithinMs: 14 * DAY,
      });
    const original = s.app.db.transaction;
    let transactions = 0;
    s.app.db.transaction = ((fn) => {
      transactions++;
      return original(fn);
    }) as typeof original;
    const openedBefore = opened.length;
    const [party, stranger, ...others] = await Promise.all([
      sms('+4791600001', 'Hei, når er sak 2026001234 ferdig?'),
      sms('+4791600002', 'Hva skjer i sak 2026001234?'),
      ...Array.from({ length: 20 }, (_, i) => sms(`+47916001${String(i).padStart(2, '0')}`, i % 2 ? 'Hei' : 'Ring meg på 91234567 om sak 2026/0001')),
    ]);
    s.app.db.transaction = original;
    // Naming a case (or anything that looks like one) no longer takes a message out of the group
    // commit: 22 messages, each of which has a candidate or is plain, share far fewer transactions.
    expect(transactions).toBeLessThan(12);
    expect(others.every((r) => r.opened && r.inquiry.caseId === null)).toBe(true);

    const kase = (await s.app.register.cases.byNumber('2026001234'))!;
    expect(party.inquiry).toMatchObject({ caseId: kase.id, caseMentioned: false });
    expect(stranger.inquiry).toMatchObject({ caseId: kase.id, caseMentioned: true });
    expect(await view(party.inquiry.id)).toMatchObject({ caseNumber: '2026001234', mentionedCaseNumber: null });
    expect(await view(stranger.inquiry.id)).toMatchObject({ caseNumber: null, mentionedCaseNumber: '2026001234' });
    const events = opened.slice(openedBefore);
    expect(events.find((e) => e.inquiry.id === party.inquiry.id)).toMatchObject({ caseNumber: '2026001234', mentionedCaseNumber: null });
    expect(events.find((e) => e.inquiry.id === stranger.inquiry.id)).toMatchObject({ caseNumber: null, mentionedCaseNumber: '2026001234' });

    // The screen pop: the stranger's call shows neither the case nor its number as theirs.
    const popOf = (phone: string) => s.app.register.contactService.callerContext(phone, { all: true });
    const strangerPop = await popOf('+4791600002');
    expect(strangerPop.cases).toEqual([]);
    expect(strangerPop.inquiries).toEqual([expect.objectContaining({ id: stranger.inquiry.id, caseNumber: null, mentionedCaseNumber: '2026001234' })]);
    const partyPop = await popOf('+4791600001');
    expect(partyPop.cases.map((c) => c.caseNumber)).toEqual(['2026001234']);
    expect(partyPop.inquiries).toEqual([expect.objectContaining({ id: party.inquiry.id, caseNumber: '2026001234' })]);
    expect(partyPop.inquiries[0]).not.toHaveProperty('mentionedCaseNumber');

    // A later message from a citizen who has become a party confirms the mention.
    await put('2026/5002', []);
    const before = await sms('+4791600003', 'Gjelder 2026/5002');
    expect(before.inquiry.caseMentioned).toBe(true);
    const update = await s.api('PUT', `/api/cases/${encodeURIComponent('2026/5002')}`, {
      token: admin,
      body: { title: 'Sak 2026/5002', status: 'Under behandling', department: 'teknisk', contacts: [{ phone: '+4791600003' }] },
    });
    expect(update.status).toBe(200);
    const after = await sms('+4791600003', 'Mer om 2026/5002');
    expect(after.inquiry.id).toBe(before.inquiry.id);
    expect((await s.app.register.inquiries.byId(before.inquiry.id))!.caseMentioned).toBe(false);
  });

  it('journals a party’s message into the case, and a stranger’s mention not into the case file', async () => {
    await put('2026/5003', [{ phone: '+4791600011' }]);
    const party = await record({ from: { phone: '+4791600011' }, body: 'Gjelder sak 2026/5003' });
    const stranger = await record({ from: { phone: '+4791600012' }, body: 'Gjelder sak 2026/5003' });
    const journal = s.app.journal.service;
    // The default rule journals what is linked to a case: the party's message is filed under it.
    expect(await journal.journal(party.message)).toMatchObject({ caseNumber: '2026/5003' });
    expect(await journal.journal(stranger.message)).toBeNull();
    // With a rule that journals everything, the stranger's message is journaled on its inquiry, not into the case.
    const records = (await s.user('records-who@kommune.no', 'records', [], { totp: true })).token;
    const rules = await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'all' }] } });
    expect(rules.status).toBe(200);
    expect(await journal.journal(stranger.message)).toMatchObject({ caseNumber: null, caseId: null, inquiryId: stranger.inquiry.id });
  });

  it('flags both in inquiry:new to the department’s agents', async () => {
    const agent = await s.user('agent-who@kommune.no', 'agent', ['teknisk']);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`${s.url}/agents`, {
      auth: { token: agent.token },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const got: InquiryNew[] = [];
      socket.on('inquiry:new', (p) => got.push(p));
      await put('2026/5004', [{ phone: '+4791600021' }]);
      const first = await record({ from: { phone: '+4791600021' }, to: '+4740000099', body: 'Sak 2026/5004' });
      const mention = await record({ from: { phone: '+4791600022' }, to: '+4740000099', body: 'Sak 2026/5004' });
      const stranger = await record({ from: { phone: '+4791600023' }, to: '+4740000099', thread: { inquiryId: first.inquiry.id } });
      await eventually(() => got.length >= 3, 'three inquiry:new pushes');
      await sleep(100);
      const byId = new Map(got.map((p) => [p.id, p]));
      expect(byId.get(first.inquiry.id)).toMatchObject({ caseNumber: '2026/5004' });
      expect(byId.get(first.inquiry.id)).not.toHaveProperty('mentionedCaseNumber');
      expect(byId.get(first.inquiry.id)).not.toHaveProperty('refersToInquiryId');
      expect(byId.get(mention.inquiry.id)).toMatchObject({ caseNumber: null, mentionedCaseNumber: '2026/5004' });
      expect(byId.get(stranger.inquiry.id)).toMatchObject({ refersToInquiryId: first.inquiry.id });
    } finally {
      socket.close();
    }
  });
});
