import { TwimlBuilder, type StepContext, type StepResult } from './compose';
import { prompt } from './schema';
import { voicePaths, type CallState } from './state';

/*
 * The case-status line (menu 9) as pure steps. The channel does the verification work (find the
 * case, send a one-time code, check it) and hands the outcome in; these steps only decide what the
 * caller hears. Nothing about a case is in an outcome until the code was right.
 */

const CODE_TIMEOUT_S = 15;

export function askCaseNumber(ctx: StepContext, state: CallState): StepResult {
  const b = new TwimlBuilder(ctx);
  const g = b.gather(ctx.url(voicePaths.caseNumber, state), { finishOnKey: '#', timeout: ctx.flow.gatherTimeoutSeconds + 4 });
  b.speak(prompt(ctx.flow, state.lang, 'statusAskCase'), state.lang, g);
  goodbye(b, ctx, state);
  return b.done(state);
}

/** `sent` covers an unknown case too, so the line cannot be used to learn which case numbers exist. */
export type CaseEntered = 'sent' | 'limited' | 'none';

export function caseNumberEntered(ctx: StepContext, state: CallState, outcome: CaseEntered): StepResult {
  const b = new TwimlBuilder(ctx);
  const l = state.lang;
  if (outcome === 'none') return askOrLeave(ctx, state);
  if (outcome === 'limited') {
    b.speak(prompt(ctx.flow, l, 'statusLimited'), l);
    goodbye(b, ctx, state);
    return b.done(state);
  }
  askCode(b, ctx, state);
  return b.done(state);
}

function askOrLeave(ctx: StepContext, state: CallState): StepResult {
  if (state.tries + 1 >= ctx.flow.maxTries) {
    const b = new TwimlBuilder(ctx);
    goodbye(b, ctx, state);
    return b.done(state);
  }
  return askCaseNumber(ctx, { ...state, tries: state.tries + 1 });
}

function askCode(b: TwimlBuilder, ctx: StepContext, state: CallState, wrong = false) {
  const l = state.lang;
  const g = b.gather(ctx.url(voicePaths.caseCode, state), { finishOnKey: '#', timeout: CODE_TIMEOUT_S });
  b.speak(prompt(ctx.flow, l, wrong ? 'statusWrongCode' : 'statusCodeSent'), l, g);
  goodbye(b, ctx, state);
}

export interface SpokenCase {
  caseNumber: string;
  title: string;
  /** The status as it is to be read aloud (statusSpoken, else status). */
  status: string;
}

export type CodeEntered = { kind: 'verified'; cases: SpokenCase[] } | { kind: 'wrong' } | { kind: 'locked' } | { kind: 'none' };

export function codeEntered(ctx: StepContext, state: CallState, outcome: CodeEntered): StepResult {
  const b = new TwimlBuilder(ctx);
  const l = state.lang;
  switch (outcome.kind) {
    case 'none':
    case 'wrong':
      askCode(b, ctx, state, outcome.kind === 'wrong');
      return b.done(state);
    case 'locked':
      b.speak(prompt(ctx.flow, l, 'statusLocked'), l);
      goodbye(b, ctx, state);
      return b.done(state);
    case 'verified': {
      if (!outcome.cases.length) b.speak(prompt(ctx.flow, l, 'statusNoCases'), l);
      for (const c of outcome.cases) b.speak(prompt(ctx.flow, l, 'statusRead', { caseNumber: c.caseNumber, title: c.title, status: c.status }), l);
      const g = b.gather(ctx.url(voicePaths.caseMore, { ...state, tries: 0 }), { numDigits: 1, timeout: ctx.flow.gatherTimeoutSeconds });
      b.speak(prompt(ctx.flow, l, 'statusMore'), l, g);
      goodbye(b, ctx, state);
      return b.done(state);
    }
  }
}

/** After a reading: 1 for another case, anything else ends the call. */
export function afterReading(ctx: StepContext, state: CallState, digits: string | undefined): StepResult {
  if (digits === '1') return askCaseNumber(ctx, { ...state, tries: 0 });
  const b = new TwimlBuilder(ctx);
  goodbye(b, ctx, state);
  return b.done(state);
}

function goodbye(b: TwimlBuilder, ctx: StepContext, state: CallState) {
  b.speak(prompt(ctx.flow, state.lang, 'goodbye'), state.lang);
  b.response.hangup();
}

/**
 * What the caller keyed, as case numbers might be written: star stands for the slash; without a
 * star the year is taken to be the first four (or two) digits.
 */
export function caseNumbersFromKeys(keys: string): string[] {
  const k = keys.replace(/#/g, '');
  if (!/^[0-9*]{3,20}$/.test(k)) return [];
  const parts = k.split('*').filter(Boolean);
  const out = new Set<string>();
  if (parts.length === 2) {
    out.add(`${parts[0]}/${parts[1]}`).add(`${parts[0]}-${parts[1]}`);
  } else if (parts.length === 1) {
    const d = parts[0];
    out.add(d);
    for (const cut of [4, 2]) if (d.length > cut) out.add(`${d.slice(0, cut)}/${d.slice(cut)}`).add(`${d.slice(0, cut)}-${d.slice(cut)}`);
  }
  return [...out];
}
