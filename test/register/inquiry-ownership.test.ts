import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, InquiryUpdated, ServerToClientEvents } from '../../server/contracts/socket-events';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startRegisterServer } from '../support/register-fixture';
import type { TestServer } from '../support/server';

/*
 * No lost updates between agents: taking an inquiry someone else holds answers 409, two agents
 * taking it at once leave exactly one owner, and every staff change reaches the other agents of
 * the department (and of the department it left) as inquiry:updated.
 */

type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function agentSocket(s: TestServer, token: string): Promise<AgentSocket> {
  const socket: AgentSocket = connect(`${s.url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe.each(engines())('inquiry ownership on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];
  let anna: { id: number; token: string };
  let bjorn: { id: number; token: string };
  let tekniker: { id: number; token: string };
  const sockets: AgentSocket[] = [];
  let seq = 0;
  const fresh = async () => (await record({ from: { phone: `+479180${String(++seq).padStart(4, '0')}` }, departmentCode: 'sosial' })).inquiry.id;
  const holder = async (id: number) => (await s.app.register.inquiries.byId(id))!.assigneeId;

  beforeAll(async () => {
    ({ s, admin, record } = await startRegisterServer(engine));
    anna = await s.user('anna@kommune.no', 'agent', ['sosial']);
    bjorn = await s.user('bjorn@kommune.no', 'agent', ['sosial']);
    tekniker = await s.user('tekniker@kommune.no', 'agent', ['teknisk']);
  });
  afterAll(async () => {
    sockets.forEach((x) => x.close());
    await s.close();
  });

  it('answers 409 already_assigned to an agent taking an inquiry a colleague holds, and changes nothing', async () => {
    const id = await fresh();
    expect((await s.api('PATCH', `/api/inquiries/${id}`, { token: anna.token, body: { assigneeId: anna.id } })).status).toBe(200);
    const audits = (await s.app.audit.forEntity('inquiry', id)).length;

    const late = await s.api('PATCH', `/api/inquiries/${id}`, { token: bjorn.token, body: { assigneeId: bjorn.id } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('already_assigned');
    expect(late.body.error.message).toContain('anna');
    expect(await holder(id)).toBe(anna.id);
    expect((await s.app.audit.forEntity('inquiry', id)).length).toBe(audits);

    // Taking what one already holds is no conflict.
    expect((await s.api('PATCH', `/api/inquiries/${id}`, { token: anna.token, body: { assigneeId: anna.id } })).status).toBe(200);
  });

  it('makes a change only while the assignee is the one the client saw (ifAssigneeId)', async () => {
    const id = await fresh();
    await s.api('PATCH', `/api/inquiries/${id}`, { token: anna.token, body: { assigneeId: anna.id } });

    const stale = await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { assigneeId: bjorn.id, ifAssigneeId: null } });
    expect(stale.status).toBe(409);
    expect(await holder(id)).toBe(anna.id);
    const staleClose = await s.api('PATCH', `/api/inquiries/${id}`, { token: bjorn.token, body: { state: 'closed', ifAssigneeId: bjorn.id } });
    expect(staleClose.status).toBe(409);
    expect((await s.app.register.inquiries.byId(id))!.state).toBe('open');

    const handOver = await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { assigneeId: bjorn.id, ifAssigneeId: anna.id } });
    expect(handOver.status).toBe(200);
    expect(await holder(id)).toBe(bjorn.id);
    // The same hand-over sent twice (a retried request) is not a conflict.
    expect((await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { assigneeId: bjorn.id, ifAssigneeId: anna.id } })).status).toBe(200);

    const bad = await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { ifAssigneeId: bjorn.id } });
    expect(bad.status).toBe(400);
  });

  it('leaves exactly one owner when two agents take the same inquiry at once', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await fresh();
      const answers = await Promise.all(
        [anna, bjorn].map((a) => s.api('PATCH', `/api/inquiries/${id}`, { token: a.token, body: { assigneeId: a.id, ifAssigneeId: null } })),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      const winner = answers[0].status === 200 ? anna : bjorn;
      expect(await holder(id)).toBe(winner.id);
    }
  });

  it('pushes assign, close, reopen and move to the other agents of the department, and a move to the department it left', async () => {
    const [sa, sb, st] = await Promise.all([agentSocket(s, anna.token), agentSocket(s, bjorn.token), agentSocket(s, tekniker.token)]);
    sockets.push(sa, sb, st);
    const seenByBjorn: InquiryUpdated[] = [];
    const seenByTekniker: InquiryUpdated[] = [];
    sb.on('inquiry:updated', (p) => seenByBjorn.push(p));
    st.on('inquiry:updated', (p) => seenByTekniker.push(p));
    const id = await fresh();

    await s.api('PATCH', `/api/inquiries/${id}`, { token: anna.token, body: { assigneeId: anna.id } });
    await eventually(() => seenByBjorn.filter((p) => p.id === id).length === 1, 'the assignment pushed to a colleague');
    expect(seenByBjorn[0]).toMatchObject({ id, state: 'open', department: 'sosial', assignee: { id: anna.id, name: 'anna' }, byUserId: anna.id });
    expect(seenByBjorn[0].summary).toEqual(expect.any(String));

    await s.api('PATCH', `/api/inquiries/${id}`, { token: anna.token, body: { state: 'closed' } });
    await s.api('PATCH', `/api/inquiries/${id}`, { token: anna.token, body: { state: 'open' } });
    await eventually(() => seenByBjorn.filter((p) => p.id === id).length === 3, 'close and reopen pushed');
    expect(seenByBjorn.filter((p) => p.id === id).map((p) => p.state)).toEqual(['open', 'closed', 'open']);
    expect(seenByTekniker.filter((p) => p.id === id)).toHaveLength(0);

    await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { department: 'teknisk', assigneeId: null } });
    await eventually(() => seenByTekniker.filter((p) => p.id === id).length === 1, 'the move pushed to the new department');
    await eventually(() => seenByBjorn.filter((p) => p.id === id).length === 4, 'the move pushed to the department it left');
    expect(seenByBjorn.at(-1)).toMatchObject({ id, department: 'teknisk', assignee: null });

    // A refused change pushes nothing.
    const before = seenByTekniker.length;
    await s.api('PATCH', `/api/inquiries/${id}`, { token: tekniker.token, body: { assigneeId: tekniker.id } });
    await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { state: 'closed', ifAssigneeId: bjorn.id } });
    await eventually(() => seenByTekniker.length === before + 1, 'the taking pushed');
    await new Promise((r) => setTimeout(r, 200));
    expect(seenByTekniker.length).toBe(before + 1);
  });
});
