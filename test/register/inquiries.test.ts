import { engines } from '../support/engines';
import { startRegisterServer } from '../support/register-fixture';
import { startServer, type TestServer } from '../support/server';

/*
 * The inquiry register's staff API: filters, newest first, cursor pages, the timeline,
 * assign/state, notes, replies. The inbound rules are in test/inbound/record.test.ts.
 */

const DAY = 86_400_000;

type Item = { id: number; channel: string; state: string; status: string; department: string; contactId: number | null; createdAt: string };

describe.each(engines())('inquiries on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];
  let agent: { id: number; token: string };
  let otherAgent: { id: number; token: string };
  const ids = (items: Item[]) => items.map((i) => i.id);

  beforeAll(async () => {
    ({ s, admin, record } = await startRegisterServer(engine));
    agent = await s.user('agent@kommune.no', 'agent', ['sosial']);
    otherAgent = await s.user('teknisk@kommune.no', 'agent', ['teknisk']);
  });
  afterAll(() => s.close());

  describe('GET /api/inquiries', () => {
    const f = {} as Record<'sms1' | 'email' | 'web' | 'phone' | 'sms2', number>;
    let contactId: number;

    beforeAll(async () => {
      const t = Date.now();
      f.sms1 = (await record({ from: { phone: '+4791600001' }, departmentCode: 'sosial', receivedAt: new Date(t) })).inquiry.id;
      f.email = (
        await record({
          channel: 'email',
          externalId: '<m1@example.no>',
          from: { email: 'a@example.no' },
          to: 'post@kommune.no',
          subject: 'Søknad',
          departmentCode: 'sosial',
          receivedAt: new Date(t + 1),
        })
      ).inquiry.id;
      f.web = (
        await record({
          channel: 'web',
          externalId: 'form-1',
          from: { email: 'b@example.no', name: 'B' },
          to: null,
          kind: 'form',
          departmentCode: 'teknisk',
          receivedAt: new Date(t + 2),
        })
      ).inquiry.id;
      f.phone = (
        await record({
          channel: 'phone',
          externalId: 'CA-1',
          from: { phone: '+4791600002' },
          kind: 'call',
          body: 'Anrop',
          departmentCode: 'teknisk',
          receivedAt: new Date(t + 3),
        })
      ).inquiry.id;
      const last = await record({ from: { phone: '+47 916 00 001' }, departmentCode: 'teknisk', receivedAt: new Date(t + 4) });
      f.sms2 = last.inquiry.id;
      contactId = last.contact!.id;
      expect((await s.api('PATCH', `/api/inquiries/${f.web}`, { token: admin, body: { state: 'closed' } })).status).toBe(200);
    });

    const list = async (query: string, token = admin) => {
      const r = await s.api('GET', `/api/inquiries?limit=200&${query}`, { token });
      expect(r.status).toBe(200);
      return r.body.items as Item[];
    };

    it.each([
      ['channel=sms', (i: Item) => i.channel === 'sms', ['sms1', 'sms2'], ['email', 'web', 'phone']],
      ['channel=email', (i: Item) => i.channel === 'email', ['email'], ['sms1', 'sms2', 'web', 'phone']],
      ['channel=phone', (i: Item) => i.channel === 'phone', ['phone'], ['sms1', 'sms2', 'web', 'email']],
      ['status=closed', (i: Item) => i.status === 'closed' && i.state === 'closed', ['web'], ['sms1', 'sms2', 'email', 'phone']],
      ['status=open', (i: Item) => i.status === 'open', ['sms1', 'sms2', 'email', 'phone'], ['web']],
      ['department=teknisk', (i: Item) => i.department === 'teknisk', ['web', 'phone', 'sms2'], ['sms1', 'email']],
      ['department=sosial&channel=sms', (i: Item) => i.department === 'sosial' && i.channel === 'sms', ['sms1'], ['sms2', 'email', 'web', 'phone']],
    ] as const)('filters by %s', async (query, holds, included, excluded) => {
      const items = await list(query);
      expect(items.length).toBeGreaterThan(0);
      for (const i of items) expect(holds(i)).toBe(true);
      for (const k of included) expect(ids(items)).toContain(f[k]);
      for (const k of excluded) expect(ids(items)).not.toContain(f[k]);
    });

    it('filters by contact: every channel and department of that citizen, newest first', async () => {
      const items = await list(`contact=${contactId}`);
      expect(ids(items)).toEqual([f.sms2, f.sms1]);
      expect(items.every((i) => i.contactId === contactId)).toBe(true);
    });

    it('filters by the state the caller names with status or state alike', async () => {
      expect(ids(await list('state=closed'))).toEqual(ids(await list('status=closed')));
    });

    it('refuses an unknown channel, status or department with 400', async () => {
      for (const q of [
        'channel=fax',
        'status=pending',
        'department=finnes-ikke',
        'contact=abc',
        'limit=0',
        'limit=501',
        'cursor=bm9wZQ',
        'status=open&state=closed',
      ]) {
        const r = await s.api('GET', `/api/inquiries?${q}`, { token: admin });
        expect({ q, status: r.status }).toEqual({ q, status: 400 });
        expect(typeof r.body.error.code).toBe('string');
      }
    });

    it('carries caseNumber, contactId and a plain-text summary on every row', async () => {
      const items = await list('department=sosial');
      const email = items.find((i) => i.id === f.email) as Item & Record<string, unknown>;
      expect(email).toMatchObject({ channel: 'email', caseNumber: null, subject: 'Søknad', contact: { id: expect.any(Number) } });
      expect(email.contactId).toBe((email.contact as { id: number }).id);
      expect(typeof email.summary).toBe('string');
    });
  });

  describe('newest first and cursor pages', () => {
    const made: number[] = [];

    beforeAll(async () => {
      await s.department('sider');
      const t = Date.now();
      // Different citizens, so none continues another; increasing times, as they would arrive.
      for (let i = 0; i < 25; i++) {
        made.push(
          (await record({ from: { phone: `+479180${String(i).padStart(4, '0')}` }, departmentCode: 'sider', receivedAt: new Date(t + i * 1000) })).inquiry.id,
        );
      }
    });

    const pages = async (limit: number, extra = '') => {
      const seen: Item[][] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `/api/inquiries?department=sider&limit=${limit}${extra}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const r = await s.api('GET', q, { token: admin });
        expect(r.status).toBe(200);
        seen.push(r.body.items);
        cursor = r.body.nextCursor;
        cursors.push(cursor);
      } while (cursor && seen.length < 20);
      return { seen, cursors };
    };

    it('lists newest first', async () => {
      const r = await s.api('GET', '/api/inquiries?department=sider&limit=200', { token: admin });
      expect(ids(r.body.items)).toEqual([...made].reverse());
      const times = r.body.items.map((i: Item) => new Date(i.createdAt).getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(r.body.nextCursor).toBeNull();
    });

    it('pages 25 items 10 at a time with no duplicates or gaps, and nextCursor null on the last page', async () => {
      const { seen, cursors } = await pages(10);
      expect(seen.map((p) => p.length)).toEqual([10, 10, 5]);
      expect(cursors[0]).toEqual(expect.any(String));
      expect(cursors[1]).toEqual(expect.any(String));
      expect(cursors[2]).toBeNull();
      expect(seen.flat().map((i) => i.id)).toEqual([...made].reverse());
    });

    it('answers nextCursor null when the last page is exactly full', async () => {
      const { seen, cursors } = await pages(5);
      expect(seen.map((p) => p.length)).toEqual([5, 5, 5, 5, 5]);
      expect(cursors).toEqual([expect.any(String), expect.any(String), expect.any(String), expect.any(String), null]);
      expect(seen.flat().map((i) => i.id)).toEqual([...made].reverse());
    });

    it('keeps the pages steady when a new inquiry arrives between two of them', async () => {
      const first = await s.api('GET', '/api/inquiries?department=sider&limit=10', { token: admin });
      const fresh = await record({ from: { phone: '+4791809999' }, departmentCode: 'sider' });
      const second = await s.api('GET', `/api/inquiries?department=sider&limit=10&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: admin });
      expect([...ids(first.body.items), ...ids(second.body.items)]).toEqual([...made].reverse().slice(0, 20));
      const top = await s.api('GET', '/api/inquiries?department=sider&limit=1', { token: admin });
      expect(ids(top.body.items)).toEqual([fresh.inquiry.id]);
      made.push(fresh.inquiry.id);
    });
  });

  describe('one inquiry', () => {
    let id: number;
    let firstMessage: number;

    beforeAll(async () => {
      const t = Date.now() - 60_000;
      const a = await record({
        externalId: 'SM-timeline-1',
        from: { phone: '+4791900001' },
        body: 'Første melding',
        departmentCode: 'sosial',
        receivedAt: new Date(t),
        continueWithinMs: 14 * DAY,
      });
      const b = await record({
        externalId: 'SM-timeline-2',
        from: { phone: '+4791900001' },
        body: 'Andre melding',
        departmentCode: 'sosial',
        receivedAt: new Date(t + 1000),
        continueWithinMs: 14 * DAY,
      });
      expect(b.inquiry.id).toBe(a.inquiry.id);
      id = a.inquiry.id;
      firstMessage = a.message.id;
    });

    it('GET /api/inquiries/:id gives the inquiry with its timeline in order', async () => {
      const note = await s.api('POST', `/api/inquiries/${id}/notes`, { token: agent.token, body: { body: 'Ringt tilbake, ingen svar' } });
      expect(note.status).toBe(201);
      const r = await s.api('GET', `/api/inquiries/${id}`, { token: agent.token });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id,
        channel: 'sms',
        department: 'sosial',
        status: 'open',
        caseNumber: null,
        citizenAddress: '+4791900001',
        summary: 'Første melding',
      });
      expect(r.body.contactId).toEqual(expect.any(Number));
      expect(r.body.timeline).toHaveLength(3);
      for (const item of r.body.timeline) {
        for (const key of ['id', 'channel', 'direction', 'body', 'createdAt', 'externalId', 'status']) expect(item).toHaveProperty(key);
        expect(Number.isNaN(new Date(item.createdAt).getTime())).toBe(false);
      }
      const [one, two, three] = r.body.timeline;
      expect(one).toMatchObject({
        id: firstMessage,
        channel: 'sms',
        direction: 'in',
        body: 'Første melding',
        externalId: 'SM-timeline-1',
        status: 'delivered',
      });
      expect(two).toMatchObject({ channel: 'sms', direction: 'in', body: 'Andre melding', externalId: 'SM-timeline-2', status: 'delivered' });
      expect(three).toMatchObject({
        id: note.body.id,
        direction: 'internal',
        body: 'Ringt tilbake, ingen svar',
        externalId: null,
        status: null,
        author: { id: agent.id },
      });
      expect(new Date(two.createdAt).getTime() - new Date(one.createdAt).getTime()).toBe(1000);
    });

    it('answers 404 for an inquiry that does not exist', async () => {
      const r = await s.api('GET', '/api/inquiries/987654', { token: admin });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    });

    it('PATCH assigns to a member of the department and unassigns', async () => {
      const r = await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { assigneeId: agent.id } });
      expect(r.status).toBe(200);
      expect(r.body.assignee).toEqual({ id: agent.id, name: 'agent' });
      expect((await s.app.register.inquiries.byId(id))!.assigneeId).toBe(agent.id);
      const mine = await s.api('GET', '/api/inquiries?assignee=me', { token: agent.token });
      expect(ids(mine.body.items)).toEqual([id]);

      const notMember = await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { assigneeId: otherAgent.id } });
      expect(notMember.status).toBe(400);
      expect((await s.app.register.inquiries.byId(id))!.assigneeId).toBe(agent.id);

      const none = await s.api('PATCH', `/api/inquiries/${id}`, { token: agent.token, body: { assigneeId: null } });
      expect(none.status).toBe(200);
      expect(none.body.assignee).toBeNull();
      expect((await s.app.register.inquiries.byId(id))!.assigneeId).toBeNull();
    });

    it('PATCH changes state; closing stamps closedAt and reopening clears it; each change is audited', async () => {
      const audits = (await s.app.audit.forEntity('inquiry', id)).filter((a) => a.action === 'update').length;
      const closed = await s.api('PATCH', `/api/inquiries/${id}`, { token: agent.token, body: { state: 'closed' } });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ state: 'closed', status: 'closed' });
      expect(closed.body.closedAt).toEqual(expect.any(String));
      expect((await s.app.register.inquiries.byId(id))!.closedAt).toBeInstanceOf(Date);

      const reopened = await s.api('PATCH', `/api/inquiries/${id}`, { token: agent.token, body: { state: 'open' } });
      expect(reopened.body).toMatchObject({ state: 'open', closedAt: null });
      expect((await s.app.register.inquiries.byId(id))!.closedAt).toBeNull();

      const same = await s.api('PATCH', `/api/inquiries/${id}`, { token: agent.token, body: { state: 'open' } });
      expect(same.status).toBe(200);
      expect((await s.app.register.inquiries.byId(id))!.state).toBe('open');
      expect((await s.app.audit.forEntity('inquiry', id)).filter((a) => a.action === 'update').length).toBe(audits + 2);
    });

    it('PATCH moves an inquiry to another department, out of the first department’s sight', async () => {
      const moving = (await record({ from: { phone: '+4791900002' }, departmentCode: 'sosial' })).inquiry.id;
      const r = await s.api('PATCH', `/api/inquiries/${moving}`, { token: agent.token, body: { department: 'teknisk' } });
      expect(r.status).toBe(200);
      expect(r.body.department).toBe('teknisk');
      expect((await s.api('GET', `/api/inquiries/${moving}`, { token: agent.token })).status).toBe(404);
      expect((await s.api('GET', `/api/inquiries/${moving}`, { token: otherAgent.token })).status).toBe(200);
    });

    it('POST notes stores an internal note by its author', async () => {
      const before = await s.count('messages');
      const r = await s.api('POST', `/api/inquiries/${id}/notes`, { token: admin, body: { body: '  Trenger svar fra NAV  ' } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ direction: 'internal', kind: 'note', body: 'Trenger svar fra NAV', channel: 'sms', externalId: null });
      expect(r.body.author).toMatchObject({ name: 'admin' });
      expect(await s.count('messages')).toBe(before + 1);
      const timeline = (await s.api('GET', `/api/inquiries/${id}`, { token: admin })).body.timeline;
      expect(timeline[timeline.length - 1]).toMatchObject({ id: r.body.id, body: 'Trenger svar fra NAV' });
    });

    it('POST messages answers 409 channel_unavailable when no channel can send, and stores nothing', async () => {
      // A server built with no channels at all: nothing can carry a reply.
      const bare = await startServer(engine, { channels: [] });
      try {
        const agentOfBare = await bare.user('bare@kommune.no', 'agent', ['helse']);
        const made = await bare.app.inbound.record({
          channel: 'sms',
          externalId: 'SM-bare-1',
          from: { phone: '+4791900009' },
          to: '+4759000000',
          body: 'Hei',
          receivedAt: new Date(),
          departmentCode: 'helse',
        });
        const before = { messages: await bare.count('messages'), events: await bare.count('message_events'), audit: await bare.count('audit_events') };
        const inquiry = await bare.app.register.inquiries.byId(made.inquiry.id);
        const r = await bare.api('POST', `/api/inquiries/${made.inquiry.id}/messages`, { token: agentOfBare.token, body: { body: 'Hei, vi ser på saken.' } });
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe('channel_unavailable');
        expect({ messages: await bare.count('messages'), events: await bare.count('message_events'), audit: await bare.count('audit_events') }).toEqual(before);
        expect(await bare.app.register.inquiries.byId(made.inquiry.id)).toEqual(inquiry);
      } finally {
        await bare.close();
      }
    });
  });
});
