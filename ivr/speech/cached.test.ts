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

  it('says a prompt no engine could speak with <Say> for a while instead of running the engines again for every call', async () => {
    const down = counting('down', true);
    const speech = new CachedSpeech({ engines: [down], audioBaseUrl: base, secret: 's', dir: null, logger });
    const p = { text: 'Velkommen', lang: 'nb-NO' as const };
    for (let i = 0; i < 3; i++) {
      const said = readTwiml(await speech.prepare([p], twimlOf(speech, 'Velkommen')));
      expect(findAll(said, 'Say')[0]).toMatchObject({ text: 'Velkommen' });
    }
    expect(down.calls).toBe(1);
    // Positive control: with no wait before a retry, every prepare runs the engine again.
    const eager = counting('down', true);
    const retrying = new CachedSpeech({ engines: [eager], audioBaseUrl: base, secret: 's', dir: null, logger, retryFailedAfterMs: 0 });
    for (let i = 0; i < 3; i++) await retrying.prepare([p], twimlOf(retrying, 'Velkommen'));
    expect(eager.calls).toBe(3);
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

  describe('on disk', () => {
    let root: string;
    beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'st-tts-test-'))));
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
    const say = (speech: CachedSpeech, text: string) => speech.prepare([{ text, lang: 'nb-NO' }], '');
    const wavs = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.wav'));

    it('makes its directory private (0700), and tightens one left open', async () => {
      const dir = path.join(root, 'cache');
      await say(new CachedSpeech({ engines: [counting('a')], audioBaseUrl: base, secret: 's', dir, logger }), 'Hei');
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dir, wavs(dir)[0])).mode & 0o077).toBe(0);

      const open = path.join(root, 'open');
      fs.mkdirSync(open, { mode: 0o777 });
      fs.chmodSync(open, 0o777);
      await say(new CachedSpeech({ engines: [counting('a')], audioBaseUrl: base, secret: 's', dir: open, logger }), 'Hei');
      expect(fs.statSync(open).mode & 0o777).toBe(0o700);
    });

    it('does not use a directory that is a symlink, e.g. planted in a shared /tmp', async () => {
      const elsewhere = path.join(root, 'elsewhere');
      fs.mkdirSync(elsewhere, { mode: 0o700 });
      const link = path.join(root, 'link');
      fs.symlinkSync(elsewhere, link);
      const engine = counting('a');
      const speech = new CachedSpeech({ engines: [engine], audioBaseUrl: base, secret: 's', dir: link, logger });
      await say(speech, 'Hei');
      expect(wavs(elsewhere)).toEqual([]);
      // Still speaks, from memory.
      expect(await speech.audio(speech.key({ text: 'Hei', lang: 'nb-NO' }))).not.toBeNull();
    });

    it('evicts the oldest files past maxDiskFiles', async () => {
      const dir = path.join(root, 'cache');
      const speech = new CachedSpeech({ engines: [counting('a')], audioBaseUrl: base, secret: 's', dir, logger, maxDiskFiles: 3 });
      for (const text of ['en', 'to', 'tre', 'fire', 'fem']) await say(speech, text);
      const newest = ['tre', 'fire', 'fem'].map((text) => `${speech.key({ text, lang: 'nb-NO' })}.wav`);
      expect(wavs(dir).sort()).toEqual(newest.sort());
      expect(speech.stats.evicted).toBe(2);
    });

    it('evicts the oldest files past maxDiskBytes', async () => {
      const dir = path.join(root, 'cache');
      const one = mulawWav(Buffer.from('x'.repeat(1000))).length;
      const speech = new CachedSpeech({ engines: [counting('a')], audioBaseUrl: base, secret: 's', dir, logger, maxDiskBytes: 2 * one + 10 });
      for (const text of ['a', 'b', 'c', 'd'].map((c) => c.repeat(1000))) await say(speech, text);
      expect(wavs(dir)).toHaveLength(2);
      expect(wavs(dir)).toContain(`${speech.key({ text: 'd'.repeat(1000), lang: 'nb-NO' })}.wav`);
    });
  });
});
