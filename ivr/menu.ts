import { isOpen } from './hours';
import { nextLanguage } from './languages';
import { TwimlBuilder, type StepContext, type StepResult } from './compose';
import { optionName, prompt, type MenuOption } from './schema';
import { voicePaths, type CallState } from './state';
import { askCaseNumber } from './status';

/*
 * The main menu as pure steps: (context, state, caller input) → TwiML and the next state. Nothing
 * here reads a database or the clock; the channel hands in the flow, the time and opening hours.
 */

function menuGather(b: TwimlBuilder, ctx: StepContext, state: CallState, greet: boolean) {
  const { flow } = ctx;
  const l = state.lang;
  const g = b.gather(ctx.url(voicePaths.menu, state), { numDigits: 1, timeout: flow.gatherTimeoutSeconds });
  if (greet) b.speak(prompt(flow, l, 'greeting'), l, g);
  for (const o of flow.options) b.speak(prompt(flow, l, 'option', { name: optionName(o, l), digit: o.digit }), l, g);
  b.speak(prompt(flow, l, 'caseStatusOption'), l, g);
  b.speak(prompt(flow, l, 'switchboardOption'), l, g);
  if (flow.languages.length > 1) {
    const other = nextLanguage(l, flow.languages);
    b.speak(prompt(flow, other, 'languageOption'), other, g);
  }
  // No key pressed: Twilio falls through to this, which counts as one failed try.
  b.redirect(ctx.url(voicePaths.menu, state));
}

/** A new call: greeting and menu. */
export function startCall(ctx: StepContext, state: CallState): StepResult {
  const b = new TwimlBuilder(ctx);
  menuGather(b, ctx, state, true);
  return b.done(state);
}

/** The caller's answer to the menu (`digits` undefined when they pressed nothing). */
export function menuChoice(ctx: StepContext, state: CallState, digits: string | undefined): StepResult {
  const { flow } = ctx;
  const b = new TwimlBuilder(ctx);
  const choice = digits?.slice(0, 1);
  if (choice === '*' && flow.languages.length > 1) {
    const next: CallState = { ...state, lang: nextLanguage(state.lang, flow.languages) };
    menuGather(b, ctx, next, false);
    return b.done(next);
  }
  if (choice === '9') return askCaseNumber(ctx, { ...state, tries: 0 });
  if (choice === '0') return routeTo(ctx, b, state, flow.switchboard, null);
  const option = flow.options.find((o) => o.digit === choice);
  if (option) return routeTo(ctx, b, state, option.department, option);

  const tries = state.tries + 1;
  if (tries >= flow.maxTries) {
    b.speak(prompt(flow, state.lang, 'toSwitchboard'), state.lang);
    return routeTo(ctx, b, { ...state, tries }, flow.switchboard, null);
  }
  b.speak(prompt(flow, state.lang, 'invalid'), state.lang);
  const next = { ...state, tries };
  menuGather(b, ctx, next, false);
  return b.done(next);
}

/** Into the department's queue when it is open; otherwise say so and offer case status or a call-back. */
function routeTo(ctx: StepContext, b: TwimlBuilder, state: CallState, department: string, option: MenuOption | null): StepResult {
  const { flow } = ctx;
  const l = state.lang;
  const name = option ? optionName(option, l) : department === flow.switchboard ? switchboardName(ctx, l) : department;
  const next: CallState = { ...state, department };
  if (!isOpen(ctx.hours[department], ctx.now)) {
    b.speak(prompt(flow, l, 'closed', { name }), l);
    const g = b.gather(ctx.url(voicePaths.closed, next), { numDigits: 1, timeout: flow.gatherTimeoutSeconds });
    b.speak(prompt(flow, l, 'closedOptions'), l, g);
    b.speak(prompt(flow, l, 'goodbye'), l);
    b.response.hangup();
    return b.done(next);
  }
  if (department !== flow.switchboard) b.speak(prompt(flow, l, 'queued', { name }), l);
  b.response.enqueue({ waitUrl: ctx.url(voicePaths.wait, next), waitUrlMethod: 'POST' }, queueName(department));
  return b.done(next, { kind: 'enqueue', department });
}

function switchboardName(ctx: StepContext, l: CallState['lang']) {
  // "Sentralbordet" is not a menu option, so its spoken name comes from the 0-option prompt's own words.
  return { 'nb-NO': 'Sentralbordet', 'en-GB': 'The switchboard', 'pl-PL': 'Centrala', 'da-DK': 'Omstillingen' }[l] ?? ctx.flow.switchboard;
}

/** The Twilio queue of a department. */
export const queueName = (department: string) => `dept-${department}`;

/** The answer in the closed-hours menu: 9 case status, 1 call-back, anything else goodbye. */
export function closedChoice(ctx: StepContext, state: CallState, digits: string | undefined): StepResult {
  const { flow } = ctx;
  const b = new TwimlBuilder(ctx);
  const l = state.lang;
  if (digits === '9') return askCaseNumber(ctx, { ...state, tries: 0 });
  if (digits === '1' && state.department) {
    b.speak(prompt(flow, l, 'callbackConfirmed'), l);
    b.speak(prompt(flow, l, 'goodbye'), l);
    b.response.hangup();
    return b.done(state, { kind: 'callback', department: state.department });
  }
  b.speak(prompt(flow, l, 'goodbye'), l);
  b.response.hangup();
  return b.done(state);
}

/** What Twilio plays while the caller waits in the queue; it fetches this again when it ends. */
export function holdMusic(ctx: StepContext, state: CallState): StepResult {
  const b = new TwimlBuilder(ctx);
  b.speak(prompt(ctx.flow, state.lang, 'hold'), state.lang);
  b.response.pause({ length: 15 });
  return b.done(state);
}

/** After the agent's leg of a <Dial> ended: done if they talked, back into the queue if they did not answer. */
export function dialEnded(ctx: StepContext, state: CallState, dialStatus: string | undefined): StepResult {
  const b = new TwimlBuilder(ctx);
  if (dialStatus === 'completed' || dialStatus === 'answered' || !state.department) {
    b.response.hangup();
    return b.done(state);
  }
  b.response.enqueue({ waitUrl: ctx.url(voicePaths.wait, state), waitUrlMethod: 'POST' }, queueName(state.department));
  return b.done(state, { kind: 'enqueue', department: state.department });
}
