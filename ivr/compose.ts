import twilio from 'twilio';
import { type Lang, VOICES } from './languages';
import type { Flow } from './schema';
import { stateQuery, type CallState } from './state';

const { VoiceResponse } = twilio.twiml;
type Response = InstanceType<typeof VoiceResponse>;
type Gather = ReturnType<Response['gather']>;

/** One thing said to the caller. */
export interface Prompt {
  text: string;
  lang: Lang;
}

/**
 * How a prompt becomes audio in TwiML: a <Play> of synthesised audio, or <Say> with the language's
 * voice as the last resort. Pure and synchronous: the URL is derived from the text, and the channel
 * makes sure the audio exists before the TwiML leaves.
 */
export type PromptRenderer = (p: Prompt) => { play: string } | { say: { language: Lang; voice: string } };

export const sayRenderer: PromptRenderer = (p) => ({ say: { language: p.lang, voice: VOICES[p.lang].say } });

export interface StepContext {
  flow: Flow;
  now: Date;
  /** Absolute URL under PUBLIC_BASE_URL for a path, with the call state in the query. */
  url(path: string, state?: CallState): string;
  speech: PromptRenderer;
  /** Opening hours per department code, as stored (null: open around the clock). */
  hours: Record<string, unknown>;
}

/** Something the channel must do (and store) before the TwiML is answered. */
export type Effect = { kind: 'enqueue'; department: string } | { kind: 'callback'; department: string } | { kind: 'hangup' };

export interface StepResult {
  twiml: string;
  next: CallState;
  prompts: Prompt[];
  effect?: Effect;
}

/** Builds one TwiML answer, collecting the prompts it speaks. */
export class TwimlBuilder {
  readonly response: Response = new VoiceResponse();
  readonly prompts: Prompt[] = [];

  constructor(private readonly ctx: StepContext) {}

  speak(text: string, lang: Lang, into: Response | Gather = this.response) {
    this.prompts.push({ text, lang });
    const r = this.ctx.speech({ text, lang });
    if ('play' in r) into.play({}, r.play);
    // The Say attributes are typed as a union of Polly voice names; ours come from the table in languages.ts.
    else into.say({ language: r.say.language, voice: r.say.voice as never }, text);
  }

  gather(action: string, opts: { numDigits?: number; finishOnKey?: string; timeout: number }): Gather {
    return this.response.gather({
      action,
      method: 'POST',
      input: ['dtmf'],
      timeout: opts.timeout,
      ...(opts.numDigits ? { numDigits: opts.numDigits } : {}),
      ...(opts.finishOnKey ? { finishOnKey: opts.finishOnKey } : {}),
      actionOnEmptyResult: false,
    });
  }

  redirect(url: string) {
    this.response.redirect({ method: 'POST' }, url);
  }

  done(next: CallState, effect?: Effect): StepResult {
    return { twiml: this.response.toString(), next, prompts: this.prompts, ...(effect ? { effect } : {}) };
  }
}

export const withQuery = (base: string, path: string, state?: CallState) => {
  const u = new URL(path, base);
  if (state) for (const [k, v] of Object.entries(stateQuery(state))) u.searchParams.set(k, v);
  return u.toString();
};
