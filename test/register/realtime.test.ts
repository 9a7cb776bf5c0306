import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, InquiryNew, ServerToClientEvents } from '../../server/contracts/socket-events';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';

type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function agentSocket(s: TestServer, token: string | undefined): Promise<AgentSocket> {
  const socket: AgentSocket = connect(`${s.url}/agents`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

describe.each(engines())('agent sockets on $name', (engine) => {
  let s: TestServer;
  const sockets: AgentSocket[] = [];
  beforeAll(async () => {
    s = await startServer(engine);
  });
  afterAll(async () => {
    sockets.forEach((x) => x.close());
    await s.close();
  });

  it('refuses a connection without a valid token', async () => {
    await expect(agentSocket(s, undefined)).rejects.toThrow('unauthorized');
    await expect(agentSocket(s, 'forged')).rejects.toThrow('unauthorized');
  });

  it('pushes inquiry:new once to every agent of the department, whatever their presence, and to nobody else', async () => {
    const a1 = await s.user('a1@k.no', 'agent', ['helse']);
    const a2 = await s.user('a2@k.no', 'agent', ['helse']);
    const other = await s.user('b1@k.no', 'agent', ['skatt']);
    const [s1, s2, s3] = await Promise.all([agentSocket(s, a1.token), agentSocket(s, a2.token), agentSocket(s, other.token)]);
    sockets.push(s1, s2, s3);
    const ack = await new Promise((r) => s2.emit('agent:status', { status: 'busy' }, r));
    expect(ack).toEqual({ ok: true });
    const bad = await new Promise((r) => s2.emit('agent:status', { status: 'asleep' } as never, r));
    expect(bad).toEqual({ ok: false, reason: 'invalid_payload' });

    const got: Record<string, InquiryNew[]> = { s1: [], s2: [], s3: [] };
    s1.on('inquiry:new', (p) => got.s1.push(p));
    s2.on('inquiry:new', (p) => got.s2.push(p));
    s3.on('inquiry:new', (p) => got.s3.push(p));

    const body = 'Hei, jeg har et spørsmål om hjemmesykepleie for min mor som bor alene og trenger hjelp morgen og kveld hver dag.';
    const r = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-rt-1',
      from: { phone: '+4791234567' },
      to: '+4759440002',
      body,
      receivedAt: new Date(),
      departmentCode: 'helse',
    });
    await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-rt-1',
      from: { phone: '+4791234567' },
      to: '+4759440002',
      body,
      receivedAt: new Date(),
      departmentCode: 'helse',
    });
    // Positive controls: one more helse inquiry, and one for skatt. Each socket receives its pushes
    // in the order they were sent, so once s1 and s2 have the helse control and s3 the skatt one,
    // a duplicate of the first push, or a leak of it to skatt, would already be in hand.
    const helseControl = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-rt-2',
      from: { phone: '+4791234568' },
      to: '+4759440002',
      body: 'Kontroll for helse.',
      receivedAt: new Date(),
      departmentCode: 'helse',
    });
    const skattControl = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-rt-3',
      from: { phone: '+4791234569' },
      to: '+4759440003',
      body: 'Kontroll for skatt.',
      receivedAt: new Date(),
      departmentCode: 'skatt',
    });
    await eventually(
      () => got.s1.some((p) => p.id === helseControl.inquiry.id) && got.s2.some((p) => p.id === helseControl.inquiry.id),
      'the helse control push at both helse agents',
    );
    await eventually(() => got.s3.some((p) => p.id === skattControl.inquiry.id), 'the skatt control push at the skatt agent');

    expect(got.s1.map((p) => p.id)).toEqual([r.inquiry.id, helseControl.inquiry.id]);
    expect(got.s2.map((p) => p.id)).toEqual([r.inquiry.id, helseControl.inquiry.id]);
    expect(got.s3.map((p) => p.id)).toEqual([skattControl.inquiry.id]);
    expect(got.s1[0]).toMatchObject({ id: r.inquiry.id, channel: 'sms', department: 'helse', contact: { id: r.contact!.id } });
    expect(got.s1[0].summary.length).toBeGreaterThanOrEqual(80);
    expect(body.startsWith(got.s1[0].summary.replace(/…$/, ''))).toBe(true);
  });
});
