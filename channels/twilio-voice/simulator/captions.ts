import type { Speech } from '../../../ivr/speech/speech';

/** Enough for every menu prompt; readouts of case status come and go, so the oldest are dropped. */
const MAX_CAPTIONS = 2000;

/**
 * With synthesised speech the caller "hears" only <Play> URLs, whose keys reveal nothing of the
 * text. The simulator page wants the words, so in simulation mode the renderer is wrapped to
 * remember which text each audio URL speaks.
 */
export function captioned(speech: Speech): { speech: Speech; caption(url: string): string | undefined } {
  const captions = new Map<string, string>();
  const wrapped: Speech = {
    name: speech.name,
    renderer: (p) => {
      const r = speech.renderer(p);
      if ('play' in r && !captions.has(r.play)) {
        if (captions.size >= MAX_CAPTIONS) captions.delete(captions.keys().next().value!);
        captions.set(r.play, p.text);
      }
      return r;
    },
    prepare: (prompts, twiml) => speech.prepare(prompts, twiml),
    audio: speech.audio ? (key) => speech.audio!(key) : undefined,
  };
  return { speech: wrapped, caption: (url) => captions.get(url) };
}
