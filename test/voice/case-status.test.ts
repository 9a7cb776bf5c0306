import { engines } from '../support/engines';
import type { TestServer } from '../support/server';
import type { VoiceRestStandin } from './twilio-standin';
import { OUR_NUMBER, caller, startVoiceServer } from './support';

/*
 * Case status by phone (menu 9): nothing about a case is heard until the caller keys the one-time
 * code we sent by SMS to a number on file for that case.
 */
describe.each(engines())('case status by phone on $name', (engine) => {
  let s: TestServer;
  let standin: VoiceRestStandin;
  let close: () => Promise<void>;
  const owner = '+4798765432';
  const TITLE = 'Søknad om tilbygg';
  const SPOKEN = 'Saken er under behandling. Du kan regne med svar innen fire uker.';

  beforeAll(async () => {
    ({ s, standin, close } = await startVoiceServer(engine));
    await s.department('byggesak', 1);
    const integ = await s.user('int@k.no', 'integration', []);
    const body = (category: string | null, phone: string) => ({
      title: TITLE,
      status: 'Under behandling',
      statusSpoken: SPOKEN,
      department: 'byggesak',
      category,
      contacts: [{ name: 'Ola', phone }],
    });
    expect((await s.api('PUT', '/api/cases/2026-100', { token: integ.token, body: body(null, owner) })).status).toBe(201);
    expect((await s.api('PUT', '/api/cases/2026-200', { token: integ.token, body: body('barnevern', owner) })).status).toBe(201);
    expect((await s.api('PUT', '/api/cases/2026-300', { token: integ.token, body: body(null, '+4790001111') })).status).toBe(201);
    const admin = await s.user('admin@k.no', 'admin', []);
    expect((await s.api('PUT', '/api/voice/case-categories/barnevern', { token: integ.token, body: { callerIdOnly: true } })).status).toBe(403);
    expect((await s.api('PUT', '/api/voice/case-categories/barnevern', { token: admin.token, body: { callerIdOnly: 'yes' } })).status).toBe(400);
    expect((await s.api('PUT', '/api/voice/case-categories/barnevern', { token: admin.token, body: { callerIdOnly: true } })).body).toEqual({
      category: 'barnevern',
      callerIdOnly: true,
    });
  });
  afterAll(() => close());

  const leaks = (heard: string[]) => heard.some((h) => h.includes(TITLE) || h.includes(SPOKEN));
  const codeSentTo = (to: string) => {
    const sms = standin.sms.filter((m) => m.to === to).at(-1);
    return sms ? /\b(\d{4,8})\b/.exec(sms.body)![1] : null;
  };

  it('reads the status only after the right code, sent by SMS from the called number, and audits the reading', async () => {
    const call = caller(s.url, owner);
    await call.ring();
    const ask = await call.press('9');
    expect(ask.heard[0]).toContain('Tast saksnummeret');
    const sent = await call.press('2026*100#');
    expect(sent.heard[0]).toContain('engangskode');
    expect(leaks(call.transcript)).toBe(false);

    const sms = standin.sms.at(-1)!;
    expect(sms).toMatchObject({ to: owner, from: OUR_NUMBER });
    // Not in the register, so no delivery reports are asked for (they would find no message).
    expect(sms.statusCallback).toBeUndefined();
    expect(sms.body.match(/\d+/g)).toHaveLength(1);
    expect(sms.body).toMatch(/(^|\D)\d{4,8}(\D|$)/);

    const code = codeSentTo(owner)!;
    const wrong = await call.press(code === '000000' ? '111111#' : '000000#');
    expect(wrong.heard[0]).toBe('Koden var feil. Prøv igjen.');
    expect(leaks(call.transcript)).toBe(false);

    const right = await call.press(`${code}#`);
    expect(right.heard[0]).toBe(`Sak 2026-100, ${TITLE}. ${SPOKEN}`);
    const audit = await s.app.audit.forEntity('case', '2026-100');
    expect(audit.filter((a) => a.action === 'speak')).toEqual([
      expect.objectContaining({ userId: null, entityType: 'case', route: `voice:case-status ${call.callSid}` }),
    ]);
  });

  it('ends the attempt after three wrong codes, and the right code no longer helps', async () => {
    const call = caller(s.url, owner);
    await call.ring();
    await call.press('9');
    await call.press('2026*100#');
    const code = codeSentTo(owner)!;
    const bad = code === '111111' ? '222222' : '111111';
    expect((await call.press(`${bad}#`)).heard[0]).toContain('feil');
    expect((await call.press(`${bad}#`)).heard[0]).toContain('feil');
    const third = await call.press(`${bad}#`);
    expect(third.heard[0]).toContain('for mange ganger');
    expect(findGather(third)).toBe(false);
    // A replayed request with the right code is refused too.
    const replay = await call.post('/webhooks/twilio/voice/case-status/code?l=nb-NO&t=0', { Digits: code });
    expect(replay.heard[0]).toContain('for mange ganger');
    expect(leaks(call.transcript)).toBe(false);
  });

  it('answers an unknown case like a known one, sends nothing, and no code opens it', async () => {
    const before = standin.sms.length;
    const call = caller(s.url, '+4797777777');
    await call.ring();
    await call.press('9');
    expect((await call.press('1999*1#')).heard[0]).toContain('engangskode');
    expect(standin.sms.length).toBe(before);
    expect((await call.press('123456#')).heard[0]).toContain('feil');
  });

  it('sends the code of a caller-ID-only case only to a caller calling from a number on file', async () => {
    const before = standin.sms.length;
    const stranger = caller(s.url, '+4795555555');
    await stranger.ring();
    await stranger.press('9');
    await stranger.press('2026*200#');
    expect(standin.sms.length).toBe(before);

    // The owner calling from the number on file gets it.
    const own = caller(s.url, owner);
    await own.ring();
    await own.press('9');
    await own.press('2026*200#');
    expect(standin.sms.at(-1)!.to).toBe(owner);

    // An ordinary case goes to the number on file even when someone else calls.
    const other = caller(s.url, '+4795555556');
    await other.ring();
    await other.press('9');
    await other.press('2026*300#');
    expect(standin.sms.at(-1)!.to).toBe('+4790001111');
  });

  it('limits codes per calling number', async () => {
    const from = '+4796666666';
    const heard: string[] = [];
    for (let i = 0; i < 4; i++) {
      const call = caller(s.url, from);
      await call.ring();
      await call.press('9');
      heard.push((await call.press('2026*300#')).heard[0]);
    }
    expect(heard.slice(0, 3).every((h) => h.includes('engangskode'))).toBe(true);
    expect(heard[3]).toContain('Vi kan ikke sende flere koder');
  });
});

function findGather(turn: { twiml: { children: { name: string }[] } | null }): boolean {
  return Boolean(turn.twiml?.children.some((c) => c.name === 'Gather'));
}
