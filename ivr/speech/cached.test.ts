import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pino from 'pino';
import { CachedSpeech } from './cached';
import { mulawWav, type SpeechEngine } from './engine';
import { findAll, readTwiml } from '../twiml-reader';

const logger = pino({ level: 'silent' });
function counting(name: string, fail = false): SpeechEngine & { calls: number } {
  return {
    name,
    calls: 0,
    async synthesize(text) {
      this.calls++;
      if (fail) throw new Error(`${name} is down`);
      return mulawWav(Buffer.from(text));
    },
  };
}
const base = 'https://voice.test/webhooks/twilio/voice/audio';
const twimlOf = (speech: CachedSpeech, text: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Response><Play>${speech.url({ text, lang: 'nb-NO' })}</Play></Response>`;

describe('speech cache', () => {
  it('synthesises a (text, voice) once and serves it by an unguessable key', async () => {
    const engine = counting('a');
    const speech = new CachedSpeech({ engines: [engine], audioBaseUrl: base, secret: 's1', dir: null, logger });
    const p = { text: 'Hei', lang: 'nb-NO' as const };
    await speech.prepare([p, p], twimlOf(speech, 'Hei'));
    await speech.prepare([p], twimlOf(speech, 'Hei'));
    expect(engine.calls).toBe(1);
    expect(speech.stats).toMatchObject({ misses: 1 });
    expect(speech.stats.hits).toBeGreaterThanOrEqual(1);
    expect(await speech.audio(speech.key(p))).toEqual(mulawWav(Buffer.from('Hei')));
    expect(speech.key(p)).not.toBe(new CachedSpeech({ engines: [engine], audioBaseUrl: base, secret: 's2', dir: null, logger }).key(p));
    expect(speech.key(p)).not.toBe(speech.key({ text: 'Hei', lang: 'da-DK' }));
  });

  it('falls through to the next engine, then to <Say> in the TwiML', async () => {
    const down = counting('down', true);
    const up = counting('up');
    const chained = new CachedSpeech({ engines: [down, up], audioBaseUrl: base, secret: 's', dir: null, logger });
    const ok = await chained.prepare([{ text: 'Hei', lang: 'nb-NO' }], twimlOf(chained, 'Hei'));
    expect(findAll(readTwiml(ok), 'Play')).toHaveLength(1);
    expect(up.calls).toBe(1);

    const none = new CachedSpeech({ engines: [counting('down', true)], audioBaseUrl: base, secret: 's', dir: null, logger });
    const said = readTwiml(await none.prepare([{ text: 'Ha det & farvel', lang: 'nb-NO' }], twimlOf(none, 'Ha det & farvel')));
    expect(findAll(said, 'Play')).toHaveLength(0);
    expect(findAll(said, 'Say')[0]).toMatchObject({ text: 'Ha det & farvel', attrs: { language: 'nb-NO', voice: 'Polly.Liv' } });
  });

  it('shares audio through the cache directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-tts-test-'));
    try {
      const first = counting('first');
      await new CachedSpeech({ engines: [first], audioBaseUrl: base, secret: 's', dir, logger }).prepare([{ text: 'Delt', lang: 'en-GB' }], '');
      const second = counting('second');
      const other = new CachedSpeech({ engines: [second], audioBaseUrl: base, secret: 's', dir, logger });
      await other.prepare([{ text: 'Delt', lang: 'en-GB' }], '');
      expect([first.calls, second.calls]).toEqual([1, 0]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
