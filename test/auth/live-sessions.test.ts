import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, InquiryNew, ServerToClientEvents } from '../../server/contracts/socket-events';
import { rooms } from '../../server/core/realtime/agents';
import { engines } from '../support/engines';
import { eventually, sleep } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';

/*
 * Issue 12: a socket gets the pushes and the presence its role allows, and no more; it lives no
 * longer than its token (logout, expiry, revoke, deactivation); and its own events are throttled.
 */

type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Answer = { ok: true } | { ok: false; reason: string };

const CALL_SID = `CA${'0'.repeat(32)}`;

describe.each(engines())('live agent sessions on $name', (engine) => {
  let s: TestServer;
  let now = Date.now();
  const sockets: AgentSocket[] = [];

  function agentSocket(token: string): Promise<AgentSocket> {
    const socket: AgentSocket = connect(`${s.url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (e) => reject(e));
    });
  }
  const status = (socket: AgentSocket, value: 'available' | 'busy') => new Promise<Answer>((r) => socket.emit('agent:status', { status: value }, r));
  const accept = (socket: AgentSocket) => new Promise<Answer>((r) => socket.emit('call:accept', { callSid: CALL_SID }, r));
  const closed = (socket: AgentSocket) => new Promise<void>((r) => (socket.connected ? socket.once('disconnect', () => r()) : r()));
  /** How many sockets the server still holds for a user: what a push to them would reach. */
  const held = async (userId: number) => (await s.app.agents.namespace.in(rooms.user(userId)).fetchSockets()).length;
  let sms = 0;
  const inquiry = (departmentCode: string) =>
    s.app.inbound.record({
      channel: 'sms',
      externalId: `SM-live-${++sms}`,
      from: { phone: '+4791234567' },
      to: '+4759440002',
      body: `Spørsmål nummer ${sms}.`,
      receivedAt: new Date(),
      departmentCode,
    });

  beforeAll(async () => {
    // Every event re-checks its token at once (no trust window), and the clock can be moved past a token's expiry.
    s = await startServer(engine, { clock: () => new Date(now), agents: { recheckMs: 0 } });
  });
  afterAll(async () => {
    sockets.forEach((x) => x.close());
    await s.close();
  });

  it('gives an officer neither the department pushes nor availability, and an agent both', async () => {
    const officer = await s.user('officer@live.no', 'officer', ['helse']);
    const agent = await s.user('agent@live.no', 'agent', ['helse']);
    const [o, a] = await Promise.all([agentSocket(officer.token), agentSocket(agent.token)]);
    expect(await status(o, 'available')).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await status(a, 'available')).toEqual({ ok: true });
    expect(await s.app.agents.namespace.in(rooms.available(await s.department('helse'))).fetchSockets()).toHaveLength(1);

    const got = { officer: [] as InquiryNew[], agent: [] as InquiryNew[] };
    o.on('inquiry:new', (p) => got.officer.push(p));
    a.on('inquiry:new', (p) => got.agent.push(p));
    await inquiry('helse');
    await eventually(() => got.agent.length === 1, 'the agent’s inquiry:new');
    // The agent has it; the officer's copy, were there one, went out in the same broadcast.
    await sleep(300);
    expect(got.officer).toEqual([]);
    expect(o.connected).toBe(true);
  });

  it('closes the socket of a token that logs out, and the token opens no other', async () => {
    const agent = await s.user('logout@live.no', 'agent', ['helse']);
    const other = await s.login('logout@live.no');
    const [mine, kept] = await Promise.all([agentSocket(agent.token), agentSocket(other)]);
    expect((await s.api('POST', '/api/auth/logout', { token: agent.token })).status).toBe(204);
    await closed(mine);
    // Only that token's sessions end: the same user's other log-in keeps its socket.
    expect(await held(agent.id)).toBe(1);
    expect(kept.connected).toBe(true);
    await expect(agentSocket(agent.token)).rejects.toThrow('unauthorized');
  });

  it('refuses call:accept and closes the socket once its token has expired or its user was deactivated behind its back', async () => {
    const expiring = await s.user('expiry@live.no', 'agent', ['helse']);
    const removed = await s.user('removed@live.no', 'agent', ['helse']);
    const [e, r] = await Promise.all([agentSocket(expiring.token), agentSocket(removed.token)]);
    // Positive control: while valid, the handover answers (there is no such call).
    expect(await accept(e)).toEqual({ ok: false, reason: 'not_found' });
    expect(await accept(r)).toEqual({ ok: false, reason: 'not_found' });

    // Written straight to the table, so only the re-check on the next event can notice.
    await s.app.db.transaction((m) => s.app.auth.users.update(removed.id, { active: false }, m));
    expect(await accept(r)).toEqual({ ok: false, reason: 'unauthorized' });
    await closed(r);
    expect(await held(removed.id)).toBe(0);

    expect(await accept(e)).toEqual({ ok: false, reason: 'not_found' });
    now += s.app.config.tokenTtlMs + 1000;
    try {
      expect(await accept(e)).toEqual({ ok: false, reason: 'unauthorized' });
      await closed(e);
      expect(await held(expiring.id)).toBe(0);
    } finally {
      now = Date.now();
    }
  });

  it('closes every socket of a user an administrator revokes or deactivates, and pushes reach them no more', async () => {
    const admin = await s.user('admin@live.no', 'admin', []);
    const revoked = await s.user('revoked@live.no', 'agent', ['skatt']);
    const deactivated = await s.user('deactivated@live.no', 'agent', ['skatt']);
    const control = await s.user('control@live.no', 'agent', ['skatt']);
    const [rv, dv, ct] = await Promise.all([agentSocket(revoked.token), agentSocket(deactivated.token), agentSocket(control.token)]);
    const got = { rv: 0, dv: 0, ct: 0 };
    rv.on('inquiry:new', () => got.rv++);
    dv.on('inquiry:new', () => got.dv++);
    ct.on('inquiry:new', () => got.ct++);

    expect((await s.api('POST', `/api/users/${revoked.id}/sessions/revoke`, { token: admin.token })).status).toBe(204);
    expect((await s.api('POST', `/api/users/${deactivated.id}/deactivate`, { token: admin.token })).status).toBe(204);
    await Promise.all([closed(rv), closed(dv)]);
    expect(await held(revoked.id)).toBe(0);
    expect(await held(deactivated.id)).toBe(0);

    await inquiry('skatt');
    await eventually(() => got.ct === 1, 'the control agent’s inquiry:new');
    await sleep(300);
    expect(got).toEqual({ rv: 0, dv: 0, ct: 1 });
    await expect(agentSocket(revoked.token)).rejects.toThrow('unauthorized');
    await expect(agentSocket(deactivated.token)).rejects.toThrow('unauthorized');
    // Revoking ends sessions, not the account: the user logs in again.
    await expect(s.login('revoked@live.no')).resolves.toEqual(expect.any(String));
  });

  it('answers rate_limited beyond 20 events in 10 seconds on one connection, and not on another', async () => {
    const agent = await s.user('chatty@live.no', 'agent', ['helse']);
    const [chatty, calm] = await Promise.all([agentSocket(agent.token), agentSocket(await s.login('chatty@live.no'))]);
    const answers = await Promise.all(Array.from({ length: 25 }, () => status(chatty, 'busy')));
    expect(answers.filter((x) => x.ok)).toHaveLength(20);
    expect(answers.filter((x) => !x.ok)).toEqual(Array(5).fill({ ok: false, reason: 'rate_limited' }));
    expect(await status(calm, 'busy')).toEqual({ ok: true });
  });
});
