import { engines } from '../support/engines';
import type { TestServer } from '../support/server';
import type { VoiceRestStandin } from './twilio-standin';
import { saySpeech } from '../../ivr/speech/speech';
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

  /** The whole line's hourly ceiling; the last test uses up what the others left. */
  const LINE_LIMIT = 40;

  beforeAll(async () => {
    ({ s, standin, close } = await startVoiceServer(engine, { speech: saySpeech, caseStatusLimits: { anonymousPerHour: 2, globalPerHour: LINE_LIMIT } }));
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

  /** Codes go out after the caller was answered: wait for every one asked for so far. */
  const settled = () => s.app.voice!.caseStatus.idle();
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

    await settled();
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
    await settled();
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
    await settled();
    expect(standin.sms.length).toBe(before);
    expect((await call.press('123456#')).heard[0]).toContain('feil');
  });

  it('sends the code of a caller-ID-only case only to a caller calling from a number on file', async () => {
    const before = standin.sms.length;
    const stranger = caller(s.url, '+4795555555');
    await stranger.ring();
    await stranger.press('9');
    await stranger.press('2026*200#');
    await settled();
    expect(standin.sms.length).toBe(before);

    // The owner calling from the number on file gets it.
    const own = caller(s.url, owner);
    await own.ring();
    await own.press('9');
    await own.press('2026*200#');
    await settled();
    expect(standin.sms.at(-1)!.to).toBe(owner);

    // An ordinary case goes to the number on file even when someone else calls.
    const other = caller(s.url, '+4795555556');
    await other.ring();
    await other.press('9');
    await other.press('2026*300#');
    await settled();
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

  /** One call up to the case number; the TwiML answered to it. */
  const keyCase = async (from: string, keys: string) => {
    const call = caller(s.url, from);
    await call.ring();
    await call.press('9');
    return call.press(keys);
  };

  it('answers an unknown case with exactly the TwiML of a known one', async () => {
    const known = await keyCase('+4791000001', '2026*100#');
    const unknown = await keyCase('+4791000002', '1999*77#');
    expect(known.heard[0]).toContain('engangskode');
    expect(unknown.body).toBe(known.body);
    await settled();
  });

  it('answers before the code SMS is sent: the SMS goes out after the answer', async () => {
    const before = standin.sms.length;
    const release = standin.holdSms();
    let timer: NodeJS.Timeout | undefined;
    try {
      // Were the SMS sent before answering, the answer would wait for the held SMS and never come.
      const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), 5000)));
      const answered = await Promise.race([keyCase('+4791000003', '2026*100#'), timeout]);
      expect(answered?.heard[0]).toContain('engangskode');
      expect(standin.sms.length).toBe(before);
    } finally {
      clearTimeout(timer);
      release();
    }
    await settled();
    expect(standin.sms.slice(before)).toEqual([expect.objectContaining({ to: owner, from: OUR_NUMBER })]);
  });

  it('limits callers without a usable caller ID together, however their number is withheld', async () => {
    const heard: string[] = [];
    for (const [i, from] of ['anonymous', '+266696687', 'restricted'].entries()) heard.push((await keyCase(from, `1998*${i + 1}#`)).heard[0]);
    expect(heard.slice(0, 2).every((h) => h.includes('engangskode'))).toBe(true);
    expect(heard[2]).toContain('Vi kan ikke sende flere koder');
  });

  it('limits codes per case number whether or not the case exists, and however it is keyed', async () => {
    const unknown: string[] = [];
    for (let i = 0; i < 6; i++) unknown.push((await keyCase(`+479200000${i}`, i % 2 ? '1997*5#' : '19975#')).heard[0]);
    expect(unknown.slice(0, 5).every((h) => h.includes('engangskode'))).toBe(true);
    expect(unknown[5]).toContain('Vi kan ikke sende flere koder');
  });

  it('stops sending codes when the whole line reached its hourly limit', async () => {
    const used = await s.count('phone_verifications');
    expect(used).toBeLessThan(LINE_LIMIT);
    for (let i = used; i < LINE_LIMIT; i++) expect((await keyCase(`+47930${String(i).padStart(5, '0')}`, `1996*${i}#`)).heard[0]).toContain('engangskode');
    const over = await keyCase('+4794000000', '1995*1#');
    expect(over.heard[0]).toContain('Vi kan ikke sende flere koder');
    await settled();
  });
});

function findGather(turn: { twiml: { children: { name: string }[] } | null }): boolean {
  return Boolean(turn.twiml?.children.some((c) => c.name === 'Gather'));
}
