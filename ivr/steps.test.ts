import { sayRenderer, withQuery, type StepContext } from './compose';
import { buildFlow } from './flow';
import { closedChoice, dialEnded, holdMusic, menuChoice, startCall } from './menu';
import { stateFromQuery, voicePaths, type CallState } from './state';
import { afterReading, caseNumberEntered, caseNumbersFromKeys, codeEntered } from './status';
import { findAll, readTwiml, spoken } from './twiml-reader';

/* The steps are pure: each test builds a context, calls a step and reads the TwiML back. */

const BASE = 'https://voice.kommune.test';
const flow = buildFlow([
  { code: 'byggesak', name: 'Plan og byggesak', menuDigit: 1 },
  { code: 'helse', name: 'Helse og omsorg', menuDigit: 2 },
]);
const ctx = (over: Partial<StepContext> = {}): StepContext => ({
  flow,
  now: new Date('2026-05-11T08:00:00Z'),
  url: (p, s) => withQuery(BASE, p, s),
  speech: sayRenderer,
  hours: {},
  ...over,
});
const fresh: CallState = { lang: 'nb-NO', tries: 0 };
const read = (twiml: string) => readTwiml(twiml);
const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('menu steps', () => {
  it('greets, lists the departments, 9, 0 and the next language, and redirects when nothing is pressed', () => {
    const r = startCall(ctx(), fresh);
    const doc = read(r.twiml);
    const gather = findAll(doc, 'Gather')[0];
    expect(gather.attrs).toMatchObject({ numDigits: '1', method: 'POST' });
    expect(gather.attrs.action).toBe(`${BASE}${voicePaths.menu}?l=nb-NO&t=0`);
    expect(spoken(gather)).toEqual([
      'Velkommen til kommunens servicetorg.',
      'For Plan og byggesak, trykk 1.',
      'For Helse og omsorg, trykk 2.',
      'For status i en sak, trykk 9.',
      'For sentralbordet, trykk 0.',
      'For English, press star.',
    ]);
    expect(findAll(gather, 'Say').map((s) => s.attrs.language)).toEqual(['nb-NO', 'nb-NO', 'nb-NO', 'nb-NO', 'nb-NO', 'en-GB']);
    expect(findAll(doc, 'Redirect')[0].text).toBe(`${BASE}${voicePaths.menu}?l=nb-NO&t=0`);
    expect(r.prompts).toHaveLength(6);
  });

  it('routes a department digit into that department queue with a wait URL', () => {
    const r = menuChoice(ctx(), fresh, '2');
    const enqueue = findAll(read(r.twiml), 'Enqueue')[0];
    expect(enqueue.text).toBe('dept-helse');
    expect(queryOf(enqueue.attrs.waitUrl)).toEqual({ l: 'nb-NO', t: '0', d: 'helse' });
    expect(r.effect).toEqual({ kind: 'enqueue', department: 'helse' });
    expect(spoken(read(r.twiml))).toEqual(['Takk. Du står nå i kø for Helse og omsorg.']);
  });

  it('sends 0 to the switchboard', () => {
    expect(menuChoice(ctx(), fresh, '0').effect).toEqual({ kind: 'enqueue', department: 'switchboard' });
  });

  it('counts an invalid or missing answer and sends the second one to the switchboard', () => {
    const first = menuChoice(ctx(), fresh, '7');
    expect(first.effect).toBeUndefined();
    expect(first.next.tries).toBe(1);
    expect(spoken(read(first.twiml))[0]).toBe('Det var ikke et gyldig valg.');
    const second = menuChoice(ctx(), first.next, undefined);
    expect(second.effect).toEqual({ kind: 'enqueue', department: 'switchboard' });
    expect(spoken(read(second.twiml))[0]).toBe('Vi setter deg over til sentralbordet.');
  });

  it('switches language with * through en-GB, pl-PL, da-DK and back to nb-NO', () => {
    let s = fresh;
    const heard: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = menuChoice(ctx(), s, '*');
      s = r.next;
      heard.push(`${s.lang}: ${spoken(read(r.twiml))[0]}`);
    }
    expect(heard).toEqual([
      'en-GB: For Plan og byggesak, press 1.',
      'pl-PL: W sprawie: Plan og byggesak, naciśnij 1.',
      'da-DK: For Plan og byggesak, tast 1.',
      'nb-NO: For Plan og byggesak, trykk 1.',
    ]);
  });

  it('tells a caller that a closed department is closed and offers case status or a call-back', () => {
    const hours = { helse: { timezone: 'Europe/Oslo', weekly: { '1': ['08:00-09:00'] }, holidays: [] } };
    const r = menuChoice(ctx({ hours, now: new Date('2026-05-11T12:00:00Z') }), fresh, '2');
    expect(r.effect).toBeUndefined();
    const doc = read(r.twiml);
    expect(spoken(doc)).toEqual(['Helse og omsorg er stengt nå.', 'For status i en sak, trykk 9. For å bli ringt opp når vi åpner, trykk 1.', 'Ha det bra.']);
    expect(findAll(doc, 'Enqueue')).toHaveLength(0);
    expect(queryOf(findAll(doc, 'Gather')[0].attrs.action)).toEqual({ l: 'nb-NO', t: '0', d: 'helse' });

    const callback = closedChoice(ctx(), r.next, '1');
    expect(callback.effect).toEqual({ kind: 'callback', department: 'helse' });
    expect(findAll(read(callback.twiml), 'Hangup')).toHaveLength(1);
    const status = closedChoice(ctx(), r.next, '9');
    expect(findAll(read(status.twiml), 'Gather')[0].attrs.action).toContain(voicePaths.caseNumber);
  });

  it('plays hold while queued and re-queues a call whose agent did not answer', () => {
    expect(spoken(read(holdMusic(ctx(), { ...fresh, department: 'helse' }).twiml))[0]).toContain('Vennligst vent');
    expect(dialEnded(ctx(), { ...fresh, department: 'helse' }, 'no-answer').effect).toEqual({ kind: 'enqueue', department: 'helse' });
    expect(findAll(read(dialEnded(ctx(), { ...fresh, department: 'helse' }, 'completed').twiml), 'Hangup')).toHaveLength(1);
  });

  it('plays synthesised audio when a renderer gives URLs', () => {
    const r = startCall(ctx({ speech: (p) => ({ play: `${BASE}/a/${p.lang}.wav` }) }), fresh);
    expect(findAll(read(r.twiml), 'Play').map((p) => p.text)).toContain(`${BASE}/a/en-GB.wav`);
  });
});

describe('case status steps', () => {
  it('asks for the case number after 9, then the code; says nothing about a case before it is verified', () => {
    const ask = menuChoice(ctx(), fresh, '9');
    expect(findAll(read(ask.twiml), 'Gather')[0].attrs).toMatchObject({ finishOnKey: '#', action: `${BASE}${voicePaths.caseNumber}?l=nb-NO&t=0` });
    const sent = caseNumberEntered(ctx(), fresh, 'sent');
    expect(findAll(read(sent.twiml), 'Gather')[0].attrs.action).toContain(voicePaths.caseCode);
    const wrong = codeEntered(ctx(), fresh, { kind: 'wrong' });
    expect(spoken(read(wrong.twiml))).toEqual(['Koden var feil. Prøv igjen.', 'Ha det bra.']);
    const locked = codeEntered(ctx(), fresh, { kind: 'locked' });
    expect(spoken(read(locked.twiml))[0]).toContain('for mange ganger');
    expect(findAll(read(locked.twiml), 'Gather')).toHaveLength(0);
  });

  it('reads case number, title and spoken status once verified', () => {
    const r = codeEntered(
      ctx(),
      { ...fresh, lang: 'en-GB' },
      { kind: 'verified', cases: [{ caseNumber: '2026/17', title: 'Garage', status: 'A decision has been made.' }] },
    );
    expect(spoken(read(r.twiml))).toEqual(['Case 2026/17, Garage. A decision has been made.', 'Press 1 to hear another case, or hang up.', 'Goodbye.']);
    expect(findAll(read(afterReading(ctx(), fresh, '1').twiml), 'Gather')[0].attrs.action).toContain(voicePaths.caseNumber);
  });

  it('turns keyed digits into case numbers as they are written', () => {
    expect(caseNumbersFromKeys('2026*1234#')).toEqual(['2026/1234', '2026-1234']);
    expect(caseNumbersFromKeys('20261234')).toEqual(['20261234', '2026/1234', '2026-1234', '20/261234', '20-261234']);
    expect(caseNumbersFromKeys('12')).toEqual([]);
    expect(caseNumbersFromKeys('2026#1234')).toEqual(['20261234', '2026/1234', '2026-1234', '20/261234', '20-261234']);
  });
});

describe('call state in the URL', () => {
  it('parses what the steps wrote and refuses anything else', () => {
    expect(stateFromQuery({ l: 'pl-PL', t: '1', d: 'helse' }, 'nb-NO')).toEqual({ lang: 'pl-PL', tries: 1, department: 'helse' });
    expect(stateFromQuery({}, 'nb-NO')).toEqual({ lang: 'nb-NO', tries: 0 });
    expect(stateFromQuery({ l: 'xx-XX', t: '1' }, 'nb-NO')).toBeNull();
    expect(stateFromQuery({ l: 'nb-NO', t: '1', d: '../etc' }, 'nb-NO')).toBeNull();
  });
});
