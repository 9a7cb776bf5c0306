import { type Prompt, type PromptRenderer, sayRenderer } from '../compose';

/**
 * Speech as the voice channel sees it: a pure renderer for TwiML, and `prepare`, awaited before the
 * TwiML is answered, which makes sure every <Play> URL in it can be served and answers the TwiML
 * to send (with <Say> in place of any prompt no engine could speak).
 */
export interface Speech {
  readonly name: string;
  readonly renderer: PromptRenderer;
  prepare(prompts: Prompt[], twiml: string): Promise<string>;
  /** Audio by the key in a <Play> URL, or null. */
  audio?(key: string): Promise<Buffer | null>;
}

/** The last resort: Twilio's own <Say> with each language's voice. */
export const saySpeech: Speech = { name: 'say', renderer: sayRenderer, prepare: async (_prompts, twiml) => twiml };
