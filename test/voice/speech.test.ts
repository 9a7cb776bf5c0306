import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findAll } from '../../ivr/twiml-reader';
import { MULAW, wavInfo } from '../../ivr/speech/engine';
import { engines } from '../support/engines';
import { PUBLIC_BASE_URL, caller, startVoiceServer } from './support';

/* The menu spoken by the offline engine: <Play> URLs that answer 8 kHz μ-law WAV when Twilio fetches them. */
describe.each(engines())('synthesised prompts on $name', (engine) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-tts-srv-'));
  let ctx: Awaited<ReturnType<typeof startVoiceServer>>;
  beforeAll(async () => {
    ctx = await startVoiceServer(engine, { speechCacheDir: dir });
    await ctx.s.department('helse', 2);
  });
  afterAll(async () => {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the menu with <Play> of audio it serves', async () => {
    const turn = await caller(ctx.s.url, '+4791234567').ring();
    const plays = findAll(turn.twiml!, 'Play').map((p) => p.text);
    expect(plays.length).toBeGreaterThanOrEqual(5);
    expect(findAll(turn.twiml!, 'Say')).toHaveLength(0);
    for (const url of plays) {
      expect(url.startsWith(`${PUBLIC_BASE_URL}/webhooks/twilio/voice/audio/`)).toBe(true);
      const res = await fetch(ctx.s.url + new URL(url).pathname);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      // It may read a citizen's case status aloud: no shared cache keeps it.
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(wavInfo(Buffer.from(await res.arrayBuffer()))).toMatchObject({ format: MULAW, sampleRate: 8000, channels: 1 });
    }
    expect((await fetch(`${ctx.s.url}/webhooks/twilio/voice/audio/${'0'.repeat(64)}.wav`)).status).toBe(404);
    expect((await fetch(`${ctx.s.url}/webhooks/twilio/voice/audio/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });
});
