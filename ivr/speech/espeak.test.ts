import { LANGUAGES } from '../languages';
import { EspeakEngine } from './espeak';
import { MULAW, wavInfo } from './engine';

const SAMPLES: Record<(typeof LANGUAGES)[number], string> = {
  'nb-NO': 'Saken er under behandling. Du kan regne med svar innen fire uker.',
  'en-GB': 'The case is being processed. You can expect an answer within four weeks.',
  'pl-PL': 'Sprawa jest w trakcie rozpatrywania. Odpowiedź otrzymasz w ciągu czterech tygodni.',
  'da-DK': 'Sagen er under behandling. Du kan forvente svar inden for fire uger.',
};

describe('espeak-ng + sox', () => {
  const engine = new EspeakEngine();

  it.each([...LANGUAGES])('speaks %s as 8 kHz mono μ-law WAV of plausible length', async (lang) => {
    const wav = await engine.synthesize(SAMPLES[lang], lang);
    const info = wavInfo(wav);
    expect(info).toMatchObject({ format: MULAW, channels: 1, sampleRate: 8000, bitsPerSample: 8 });
    const seconds = info!.dataBytes / 8000;
    // About 10–20 characters a second at espeak's rate 150; generous bounds, but not silence and not a hang.
    const chars = SAMPLES[lang].length;
    expect(seconds).toBeGreaterThan(chars / 30);
    expect(seconds).toBeLessThan(chars / 5);
    // Not silence: μ-law silence is 0xFF/0x7F; speech has many distinct sample values.
    expect(new Set(wav.subarray(wav.length - info!.dataBytes)).size).toBeGreaterThan(50);
  });

  it('reads text that looks like an option as text', async () => {
    const wav = await engine.synthesize('--help -w /tmp/x', 'en-GB');
    expect(wavInfo(wav)?.sampleRate).toBe(8000);
  });
});
