import { findAll, readTwiml } from '../../ivr/twiml-reader';
import { engines } from '../support/engines';
import type { TestServer } from '../support/server';
import type { VoiceRestStandin } from './twilio-standin';
import { eventually } from '../support/eventually';
import { countStatements } from '../support/statements';
import { accept, agentSocket, caller, collect, next, roundTrip, startVoiceServer, type AgentSocket } from './support';

/*
 * Whole calls through signed webhooks, the way Twilio makes them, against a local stand-in for
 * Twilio's REST API: menu → department → call:incoming → two agents race → one pop → transfer →
 * pop with the note at the caseworker.
 */
describe.each(engines())('voice calls on $name', (engine) => {
  let s: TestServer;
  let standin: VoiceRestStandin;
  let close: () => Promise<void>;
  const sockets: AgentSocket[] = [];
  let admin: { token: string };
  let a1: { id: number; token: string };
  let a2: { id: number; token: string };
  let cw: { id: number; token: string };
  const citizen = '+4791234567';

  beforeAll(async () => {
    ({ s, standin, close } = await startVoiceServer(engine));
    await s.department('byggesak', 1);
    await s.department('helse', 2);
    admin = await s.user('admin@k.no', 'admin', []);
    a1 = await s.user('a1@k.no', 'agent', ['helse']);
    a2 = await s.user('a2@k.no', 'agent', ['helse']);
    cw = await s.user('cw@k.no', 'caseworker', ['byggesak']);
    await s.app.db.transaction((m) => m.getRepository('User').update({ id: cw.id }, { phone: '+4790000001' }));
    const integ = await s.user('int@k.no', 'integration', []);
    const put = await s.api('PUT', '/api/cases/2026-17', {
      token: integ.token,
      body: { title: 'Hjemmesykepleie', status: 'Under behandling', department: 'helse', contacts: [{ name: 'Kari Nordmann', phone: '912 34 567' }] },
    });
    expect(put.status).toBe(201);
    const put2 = await s.api('PUT', '/api/cases/2026-18', {
      token: integ.token,
      body: { title: 'Garasje', status: 'Mottatt', department: 'byggesak', contacts: [{ name: 'Kari Nordmann', phone: citizen }] },
    });
    expect(put2.status).toBe(201);
  });
  afterAll(async () => {
    sockets.forEach((x) => x.close());
    await close();
  });

  it('refuses a forged webhook with 403 and writes nothing; a malformed one with 400', async () => {
    const before = await s.count('calls');
    const forged = await caller(s.url, citizen).post('/webhooks/twilio/voice', {}, { signature: 'bm90LWEtc2lnbmF0dXJl' });
    expect(forged.status).toBe(403);
    const unsigned = await fetch(`${s.url}/webhooks/twilio/voice/menu`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallSid=CA00&Digits=2',
    });
    expect(unsigned.status).toBe(403);
    const malformed = await caller(s.url, citizen, { callSid: 'not-a-call-sid' }).ring();
    expect(malformed.status).toBe(400);
    expect(await s.count('calls')).toBe(before);
    expect(await s.count('inquiries')).toBe(0);
  });

  it('walks menu → department → race → pop → transfer → pop with note, and closes the call', async () => {
    const [s1, s2, sCw, sBusy] = await Promise.all([
      agentSocket(s.url, a1.token),
      agentSocket(s.url, a2.token),
      agentSocket(s.url, cw.token),
      agentSocket(s.url, (await s.user('a3@k.no', 'agent', ['helse'])).token, 'busy'),
    ]);
    sockets.push(s1, s2, sCw, sBusy);
    const busyGot = collect(sBusy, 'call:incoming');

    const call = caller(s.url, '912 34 567');
    const greeting = await call.ring();
    expect(greeting.status).toBe(200);
    expect(greeting.heard[0]).toBe('Velkommen til kommunens servicetorg.');
    expect(greeting.heard).toContain('For HELSE, trykk 2.');

    const incoming = [next(s1, 'call:incoming'), next(s2, 'call:incoming')];
    const queued = await call.press('2');
    expect(findAll(queued.twiml!, 'Enqueue')[0].text).toBe('dept-helse');
    // Stored before the TwiML was answered.
    const inquiries = await s.api('GET', '/api/inquiries?channel=phone', { token: admin.token });
    expect(inquiries.body.items).toHaveLength(1);
    expect(inquiries.body.items[0]).toMatchObject({ channel: 'phone', department: 'helse', state: 'open', citizenAddress: citizen });

    const [in1, in2] = await Promise.all(incoming);
    expect(in1).toEqual({ callSid: call.callSid, from: citizen, department: 'helse', contact: { id: expect.any(Number), name: 'Kari Nordmann' } });
    expect(in2).toEqual(in1);
    expect((await call.hold()).heard[0]).toContain('Vennligst vent');
    // s1 and s2 got call:incoming from one room broadcast (the positive control); a round trip on
    // the busy agent's own socket comes back after anything the server sent it before, so a ring
    // meant for it would be in busyGot now.
    await roundTrip(sBusy, 'busy');
    expect(busyGot).toHaveLength(0);

    const taken = [next(s1, 'call:taken'), next(s2, 'call:taken')];
    const pops = [collect(s1, 'screen-pop'), collect(s2, 'screen-pop')];
    const [r1, r2] = await Promise.all([accept(s1, call.callSid), accept(s2, call.callSid)]);
    expect([r1.ok, r2.ok].sort()).toEqual([false, true]);
    expect([r1, r2].find((r) => !r.ok)).toEqual({ ok: false, reason: 'taken' });
    await Promise.all(taken);
    const winner = r1.ok ? { id: a1.id, token: a1.token, pops: pops[0] } : { id: a2.id, token: a2.token, pops: pops[1] };
    // The winner's pop arrives (positive control); after a round trip on the loser's socket, a pop
    // sent to the loser too would have arrived as well.
    await eventually(() => winner.pops.length > 0, "the winner's screen-pop");
    await roundTrip(r1.ok ? s2 : s1, 'available');
    expect(pops[0].length + pops[1].length).toBe(1);
    const pop = winner.pops[0];
    expect(pop).toMatchObject({ callSid: call.callSid, from: citizen, contact: { name: 'Kari Nordmann' } });
    // Only the agent's department: the byggesak case is not in the helse agent's pop.
    expect(pop.cases).toEqual([{ caseNumber: '2026-17', title: 'Hjemmesykepleie', status: 'Under behandling', department: 'helse' }]);
    expect(pop.transfer).toBeUndefined();

    // Moved to the winner's Twilio Client identity with the SDK's REST update.
    // The move runs beside the pop, so it may land a moment after the accept.
    const moved = await eventually(() => {
      const m = standin.calls.filter((c) => c.callSid === call.callSid);
      return m.length ? m : null;
    }, 'the call moved to the agent by REST');
    expect(moved).toHaveLength(1);
    const dial = findAll(readTwiml(moved[0].twiml!), 'Dial')[0];
    expect(findAll(dial, 'Client')[0].text).toBe(`user-${winner.id}`);

    const popAtCw = next(sCw, 'screen-pop');
    const tr = await s.api('POST', `/api/calls/${call.callSid}/transfer`, {
      token: winner.token,
      body: { toUserEmail: 'cw@k.no', note: 'Gjelder også garasjesaken' },
    });
    expect(tr.status).toBe(200);
    const cwPop = await popAtCw;
    expect(cwPop.transfer).toEqual({ from: { id: winner.id, name: winner.id === a1.id ? 'a1' : 'a2' }, note: 'Gjelder også garasjesaken' });
    expect(cwPop.cases.map((c) => c.caseNumber)).toEqual(['2026-18']);
    expect(findAll(readTwiml(standin.calls.at(-1)!.twiml!), 'Number')[0].text).toBe('+4790000001');

    // The loser cannot transfer a call that is not theirs; a second transfer by the winner is refused too.
    const loser = winner.id === a1.id ? a2 : a1;
    expect((await s.api('POST', `/api/calls/${call.callSid}/transfer`, { token: loser.token, body: { toDepartment: 'helse', note: '' } })).status).toBe(403);
    expect((await s.api('POST', `/api/calls/${call.callSid}/transfer`, { token: winner.token, body: { toUserEmail: 'a1@k.no', note: '' } })).status).toBe(403);
    expect((await s.api('POST', `/api/calls/${call.callSid}/transfer`, { token: cw.token, body: { note: 'x' } })).status).toBe(400);

    expect((await call.end('completed', 187)).status).toBe(200);
    const id = inquiries.body.items[0].id;
    const detail = await s.api('GET', `/api/inquiries/${id}`, { token: admin.token });
    expect(detail.body.state).toBe('closed');
    const notes = detail.body.timeline.filter((t: { kind: string }) => t.kind === 'note');
    expect(notes.map((n: { author: { id: number } }) => n.author.id)).toEqual([winner.id, winner.id]);
    expect(notes[1].body).toContain('Gjelder også garasjesaken');
    const callItem = detail.body.timeline.find((t: { kind: string }) => t.kind === 'call');
    expect(callItem.externalId).toBe(call.callSid);
    // The outcome is merged into the call's meta without a read first: what routing wrote stays beside it.
    const stored = await s.app.register.messages.byId(callItem.id);
    expect(stored!.meta).toEqual({ lang: 'nb-NO', menu: 2, outcome: 'answered', duration: 187 });
  });

  it('sends a caller who presses nothing valid twice to the switchboard', async () => {
    const call = caller(s.url, '+4791111111');
    await call.ring();
    const first = await call.press('7');
    expect(first.heard[0]).toBe('Det var ikke et gyldig valg.');
    const second = await call.press();
    expect(second.heard[0]).toBe('Vi setter deg over til sentralbordet.');
    expect(findAll(second.twiml!, 'Enqueue')[0].text).toBe('dept-switchboard');
    const list = await s.api('GET', '/api/inquiries?channel=phone&department=switchboard', { token: admin.token });
    expect(list.body.items.map((i: { citizenAddress: string }) => i.citizenAddress)).toContain('+4791111111');
  });

  it('keeps a missed call as an open inquiry with the number to call back', async () => {
    const call = caller(s.url, '+4792222222');
    await call.ring();
    await call.press('1');
    await call.end('completed', 63);
    const list = await s.api('GET', '/api/inquiries?channel=phone&department=byggesak', { token: admin.token });
    const missed = list.body.items.find((i: { citizenAddress: string }) => i.citizenAddress === '+4792222222');
    expect(missed.state).toBe('open');
    const detail = await s.api('GET', `/api/inquiries/${missed.id}`, { token: admin.token });
    expect(detail.body.timeline.at(-1).body).toContain('Ring tilbake: +4792222222');
  });

  it('tells a caller when the department is closed and takes a call-back request', async () => {
    const closed = { timezone: 'Europe/Oslo', weekly: {}, holidays: [] };
    await s.app.db.transaction((m) => m.getRepository('Department').update({ code: 'byggesak' }, { openingHours: closed }));
    s.app.register.departments.invalidate();
    const call = caller(s.url, '+4793333333');
    await call.ring();
    const r = await call.press('1');
    expect(r.heard[0]).toBe('BYGGESAK er stengt nå.');
    expect(findAll(r.twiml!, 'Enqueue')).toHaveLength(0);
    const cb = await call.press('1');
    expect(cb.heard[0]).toContain('Vi ringer deg tilbake');
    const list = await s.api('GET', '/api/inquiries?channel=phone&department=byggesak', { token: admin.token });
    const item = list.body.items.find((i: { citizenAddress: string }) => i.citizenAddress === '+4793333333');
    expect(item).toMatchObject({ state: 'open' });
    await s.app.db.transaction((m) => m.getRepository('Department').update({ code: 'byggesak' }, { openingHours: null }));
    s.app.register.departments.invalidate();
  });

  it('sends the pop before the call has been moved: a 2-second REST move does not hold it back', async () => {
    const sock = await agentSocket(s.url, a1.token);
    sockets.push(sock);
    const call = caller(s.url, '+4794444440');
    await call.ring();
    const incoming = next(sock, 'call:incoming');
    await call.press('2');
    await incoming;
    standin.delayNext(2000);
    const started = Date.now();
    const popped = next(sock, 'screen-pop', 5000).then((p) => ({ p, at: Date.now() }));
    expect(await accept(sock, call.callSid)).toEqual({ ok: true });
    const { p, at } = await popped;
    expect(p.callSid).toBe(call.callSid);
    // Positive control: the move did reach the stand-in, and was answered only two seconds later.
    const move = await eventually(() => standin.moves.find((m) => m.callSid === call.callSid), 'the REST move of the call', 5000);
    expect(move.answeredAt - move.at).toBeGreaterThanOrEqual(1900);
    expect(at).toBeLessThan(move.answeredAt);
    expect(at - started).toBeLessThan(1500);
  });

  it('takes the call back when moving it fails: the agent hears call:lost, the call rings again and can be taken', async () => {
    const sock = await agentSocket(s.url, a1.token);
    const other = await agentSocket(s.url, a2.token);
    sockets.push(sock, other);
    const call = caller(s.url, '+4794444444');
    await call.ring();
    const incoming = next(other, 'call:incoming');
    await call.press('2');
    await incoming;
    standin.failNext(1);
    const popped = next(sock, 'screen-pop');
    const lost = next(sock, 'call:lost', 5000);
    const ringsAgain = next(other, 'call:incoming', 5000);
    expect(await accept(sock, call.callSid)).toEqual({ ok: true });
    expect((await popped).callSid).toBe(call.callSid);
    expect(await lost).toEqual({ callSid: call.callSid, reason: 'unreachable' });
    expect((await ringsAgain).callSid).toBe(call.callSid);
    const row = await s.app.voice!.calls.deps.calls.bySid(call.callSid);
    expect(row).toMatchObject({ state: 'queued', agentId: null });
    const inquiry = await s.app.register.inquiries.byId(row!.inquiryId!);
    expect(inquiry!.assigneeId).toBeNull();
    expect(await accept(other, call.callSid)).toEqual({ ok: true });
  });

  it('offers an agent who becomes available every waiting call of their departments, oldest first, in a bounded number of statements', async () => {
    const waiting: string[] = [];
    for (let i = 0; i < 6; i++) {
      const call = caller(s.url, `+479555000${i}`);
      await call.ring();
      await call.press('2');
      waiting.push(call.callSid);
    }
    const sock = await agentSocket(s.url, a2.token, 'busy');
    sockets.push(sock);
    const got = collect(sock, 'call:incoming');
    const { statements, stop: stopCounting } = countStatements(s.app.db.dataSource);
    try {
      // The status change is acknowledged once its offers are sent, on the same socket, so they are all here now.
      await roundTrip(sock, 'available');
    } finally {
      stopCounting();
    }
    const offered = got.map((c) => c.callSid).filter((sid) => waiting.includes(sid));
    expect(offered).toEqual(waiting);
    expect(got.find((c) => c.callSid === waiting[0])).toMatchObject({ department: 'helse', from: '+4795550000' });
    // The waiting calls and their callers: two statements for six calls (a third when the department
    // list's five-second cache has just run out), where each call used to cost its own lookups.
    expect(statements.length).toBeGreaterThanOrEqual(2);
    expect(statements.length).toBeLessThanOrEqual(3);
  });
  it('routes and then answers the first waitUrl fetch of a call it began without reading it back or marking it again; a later fetch checks again', async () => {
    const sock = await agentSocket(s.url, a2.token, 'available');
    sockets.push(sock);
    const call = caller(s.url, '+4795551000');
    await call.ring();
    const { statements, stop: stopCounting } = countStatements(s.app.db.dataSource);
    const onCalls = () => statements.filter((q) => /\bcalls\b/i.test(q));
    const rung = next(sock, 'call:incoming');
    try {
      // The menu choice: the queue entry is the one statement on the calls table (no read of the row
      // first), sent with the inquiry's commit (one compound statement on MariaDB).
      const queued = await call.press('2');
      expect((await rung).callSid).toBe(call.callSid);
      expect(onCalls()).toHaveLength(1);
      expect(onCalls()[0]).toMatch(engine.name === 'mariadb' ? /^BEGIN NOT ATOMIC .*UPDATE calls SET .*COMMIT; END$/s : /^UPDATE calls SET/);
      expect(onCalls()[0]).not.toMatch(/FROM calls/);
      statements.length = 0;
      expect((await call.hold()).status).toBe(200);
      expect(onCalls()).toEqual([]);
      statements.length = 0;
      // Twilio fetches the waitUrl again while the caller waits: that fetch runs the conditional
      // UPDATE (the positive control of the count above), which finds the call announced.
      const got = collect(sock, 'call:incoming');
      call.last = queued; // the <Enqueue> whose waitUrl Twilio fetches again
      expect((await call.hold()).status).toBe(200);
      expect(onCalls()).toHaveLength(1);
      expect(onCalls()[0]).toMatch(/^UPDATE/i);
      await roundTrip(sock, 'busy');
      expect(got).toHaveLength(0);
    } finally {
      stopCounting();
      await call.end('completed');
    }
  });
});
