import type { InboundContact } from '../../server/inbound/contract';
import type { RegisterEventMap } from '../../server/register/events';
import { engines } from '../support/engines';
import { OUR_NUMBER, startRegisterServer } from '../support/register-fixture';
import type { TestServer } from '../support/server';

/*
 * The InboundService rules every channel relies on: one row per provider item however often it is
 * delivered, continuing a recent open inquiry, case numbers in the text, the switchboard for
 * addresses nobody owns, one `inquiry:opened` per new inquiry.
 */

const DAY = 86_400_000;

type Item = { id: number };

describe.each(engines())('recording inbound contacts on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let opened: RegisterEventMap['inquiry:opened'][];
  let updated: RegisterEventMap['inquiry:updated'][];
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];
  const ids = (items: Item[]) => items.map((i) => i.id);

  beforeAll(async () => {
    ({ s, admin, opened, updated, record } = await startRegisterServer(engine));
  });
  afterAll(() => s.close());

  describe('InboundService', () => {
    it('records the same provider item delivered 200 times at once as one message on one inquiry', async () => {
      const counts = async () => ({ inquiries: await s.count('inquiries'), messages: await s.count('messages'), contacts: await s.count('contacts') });
      const before = await counts();
      const openedBefore = opened.length;
      const item: InboundContact = {
        channel: 'sms',
        externalId: 'SM-flood',
        from: { phone: '+4792000001' },
        to: OUR_NUMBER,
        body: 'Samme melding',
        receivedAt: new Date(),
        continueWithinMs: 14 * DAY,
      };
      const results = await Promise.all(Array.from({ length: 200 }, () => s.app.inbound.record({ ...item })));

      expect(await counts()).toEqual({ inquiries: before.inquiries + 1, messages: before.messages + 1, contacts: before.contacts + 1 });
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(results.filter((r) => r.opened)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      expect(new Set(results.map((r) => r.inquiry.id)).size).toBe(1);
      const rows = await s.app.db.dataSource.query("SELECT COUNT(*) AS n FROM messages WHERE external_id = 'SM-flood'");
      expect(Number(rows[0].n)).toBe(1);
      expect(opened.slice(openedBefore).map((e) => e.inquiry.id)).toEqual([results[0].inquiry.id]);
    });

    it('opens one inquiry for many different messages from a new number arriving at once', async () => {
      const before = await s.count('inquiries');
      const openedBefore = opened.length;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          record({ externalId: `SM-burst-${i}`, from: { phone: '+4792000002' }, body: `Del ${i}`, continueWithinMs: 14 * DAY }),
        ),
      );
      expect(await s.count('inquiries')).toBe(before + 1);
      expect(new Set(results.map((r) => r.inquiry.id)).size).toBe(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(20);
      expect(opened.length - openedBefore).toBe(1);
    });

    it('continues the open inquiry of the same number to the same receiving number within 14 days', async () => {
      const t0 = Date.now() - 40 * DAY;
      const from = { phone: '+4792000010' };
      const a = await record({ from, receivedAt: new Date(t0), continueWithinMs: 14 * DAY });
      const updatedBefore = updated.length;
      const b = await record({ from: { phone: '+47 920 00 010' }, receivedAt: new Date(t0 + 13 * DAY), continueWithinMs: 14 * DAY });
      expect(a.opened).toBe(true);
      expect(b.opened).toBe(false);
      expect(b.inquiry.id).toBe(a.inquiry.id);
      expect(updated.slice(updatedBefore).map((e) => e.inquiry.id)).toEqual([a.inquiry.id]);
      expect((await s.app.register.inquiries.byId(a.inquiry.id))!.lastActivityAt.getTime()).toBe(t0 + 13 * DAY);

      // Quiet for more than 14 days since the last message: a new inquiry.
      const c = await record({ from, receivedAt: new Date(t0 + 28 * DAY), continueWithinMs: 14 * DAY });
      expect(c.opened).toBe(true);
      expect(c.inquiry.id).not.toBe(a.inquiry.id);

      // Another of our numbers: a new inquiry.
      const d = await record({ from, to: '+4740000001', receivedAt: new Date(t0 + 28 * DAY + 1000), continueWithinMs: 14 * DAY });
      expect(d.opened).toBe(true);
      expect(d.inquiry.id).not.toBe(c.inquiry.id);

      // Without a window from the channel nothing is continued.
      const e = await record({ from, receivedAt: new Date(t0 + 28 * DAY + 2000) });
      expect(e.opened).toBe(true);
    });

    it('continues an inquiry waiting for the citizen and reopens it, but never a closed one', async () => {
      const from = { phone: '+4792000020' };
      const a = await record({ from, continueWithinMs: 14 * DAY });
      expect((await s.api('PATCH', `/api/inquiries/${a.inquiry.id}`, { token: admin, body: { state: 'waiting' } })).status).toBe(200);
      const b = await record({ from, continueWithinMs: 14 * DAY });
      expect(b.inquiry.id).toBe(a.inquiry.id);
      expect((await s.app.register.inquiries.byId(a.inquiry.id))!.state).toBe('open');

      expect((await s.api('PATCH', `/api/inquiries/${a.inquiry.id}`, { token: admin, body: { state: 'closed' } })).status).toBe(200);
      const messages = (await s.app.register.messages.timeline(a.inquiry.id)).length;
      const c = await record({ from, continueWithinMs: 14 * DAY });
      expect(c.opened).toBe(true);
      expect(c.inquiry.id).not.toBe(a.inquiry.id);
      expect((await s.app.register.inquiries.byId(a.inquiry.id))!.state).toBe('closed');
      expect((await s.app.register.messages.timeline(a.inquiry.id)).length).toBe(messages);
    });

    it('links the case whose number the text names: for its parties as theirs, for anyone else as a mention', async () => {
      const put = await s.api('PUT', '/api/cases/2026%2F1234', {
        token: admin,
        body: { title: 'Byggesøknad', status: 'Mottatt', department: 'teknisk', contacts: [{ phone: '+4792000030' }, { phone: '+4792000033' }] },
      });
      expect(put.status).toBe(201);
      const openedBefore = opened.length;
      const a = await record({ from: { phone: '+4792000030' }, body: 'Hei! Når får jeg svar i sak 2026/1234?' });
      expect(a.inquiry.caseId).toBe((await s.app.register.cases.byNumber('2026/1234'))!.id);
      expect(opened.slice(openedBefore).map((e) => e.caseNumber)).toEqual(['2026/1234']);
      const view = await s.api('GET', `/api/inquiries/${a.inquiry.id}`, { token: admin });
      expect(view.body.caseNumber).toBe('2026/1234');

      const dashed = await record({ from: { phone: '+4792000031' }, body: 'Gjelder 2026-1234' });
      expect((await s.api('GET', `/api/inquiries/${dashed.inquiry.id}`, { token: admin })).body).toMatchObject({
        caseNumber: null,
        mentionedCaseNumber: '2026/1234',
      });

      const unknown = await record({ from: { phone: '+4792000032' }, body: 'Gjelder sak 2025/9999' });
      expect((await s.api('GET', `/api/inquiries/${unknown.inquiry.id}`, { token: admin })).body.caseNumber).toBeNull();

      const byCase = await s.api('GET', '/api/inquiries?case=2026%2F1234', { token: admin });
      expect(ids(byCase.body.items)).toEqual([dashed.inquiry.id, a.inquiry.id]);
    });

    it('links a case named in a later message to the inquiry it continues', async () => {
      const from = { phone: '+4792000033' };
      const a = await record({ from, body: 'Hei, jeg har et spørsmål', continueWithinMs: 14 * DAY });
      const b = await record({ from, body: 'Det gjelder sak 2026/1234', continueWithinMs: 14 * DAY });
      expect(b.inquiry.id).toBe(a.inquiry.id);
      expect((await s.api('GET', `/api/inquiries/${a.inquiry.id}`, { token: admin })).body.caseNumber).toBe('2026/1234');
    });

    it('sends what reaches an address no department owns to the switchboard', async () => {
      const dep = async (r: Awaited<ReturnType<typeof record>>) => (await s.app.register.departments.byId(r.inquiry.departmentId))!.code;
      expect(await dep(await record({ from: { phone: '+4792000040' }, to: '+4740000777' }))).toBe('switchboard');
      expect(await dep(await record({ from: { phone: '+4792000041' }, to: '+4740000099' }))).toBe('teknisk');
      expect(await dep(await record({ from: { phone: '+4792000042' }, to: '+4740000099', departmentCode: 'sosial' }))).toBe('sosial');
      expect(await dep(await record({ from: { phone: '+4792000043' }, to: '+4740000777', departmentCode: 'finnes-ikke' }))).toBe('switchboard');
      expect(
        await dep(await record({ channel: 'email', externalId: '<x1@example.no>', from: { email: 'c@example.no' }, to: 'ukjent@kommune.no', subject: 'Hei' })),
      ).toBe('switchboard');
      expect(await dep(await record({ channel: 'web', externalId: 'form-sb', from: { email: 'd@example.no' }, to: null, kind: 'form' }))).toBe('switchboard');

      const kultur = await s.api('POST', '/api/departments', { token: admin, body: { code: 'kultur', name: 'Kultur', email: 'kultur@kommune.no' } });
      expect(kultur.status).toBe(201);
      expect(
        await dep(
          await record({ channel: 'email', externalId: '<x2@example.no>', from: { email: 'c@example.no' }, to: 'Kultur@Kommune.no', subject: 'Billetter' }),
        ),
      ).toBe('kultur');
    });

    it('fires inquiry:opened once per new inquiry with its department and contact, and not for a duplicate', async () => {
      const openedBefore = opened.length;
      const updatedBefore = updated.length;
      const item = { externalId: 'SM-event-1', from: { phone: '+4792000050', name: 'Hanne' }, departmentCode: 'sosial', continueWithinMs: 14 * DAY };
      const a = await record(item);
      await record(item);
      expect(opened.length - openedBefore).toBe(1);
      const e = opened[opened.length - 1];
      expect(e).toMatchObject({ departmentCode: 'sosial', contact: { id: a.contact!.id, name: 'Hanne' }, caseNumber: null });
      expect(e.inquiry.id).toBe(a.inquiry.id);
      expect(updated.length).toBe(updatedBefore);

      await record({ ...item, externalId: 'SM-event-2' });
      expect(opened.length - openedBefore).toBe(1);
      expect(updated.slice(updatedBefore).map((x) => [x.inquiry.id, x.departmentCode])).toEqual([[a.inquiry.id, 'sosial']]);
    });
  });
});
