import type { TextToSpeechClient } from '@google-cloud/text-to-speech';
import { VOICES, type Lang } from '../languages';
import { mulawWav, type SpeechEngine } from './engine';

/**
 * Google Cloud Text-to-Speech. The client is built by the composition root (credentials from
 * GOOGLE_APPLICATION_CREDENTIALS) or by a test pointing it at a local gRPC server.
 */
export class GoogleSpeechEngine implements SpeechEngine {
  readonly name = 'google';

  constructor(private readonly client: Pick<TextToSpeechClient, 'synthesizeSpeech'>) {}

  async synthesize(text: string, lang: Lang): Promise<Buffer> {
    const [res] = await this.client.synthesizeSpeech({
      input: { text },
      voice: { languageCode: lang, name: VOICES[lang].google },
      audioConfig: { audioEncoding: 'MULAW', sampleRateHertz: 8000 },
    });
    const audio = res.audioContent;
    if (!audio || !audio.length) throw new Error('Google TTS answered no audio');
    const buf = typeof audio === 'string' ? Buffer.from(audio, 'base64') : Buffer.from(audio);
    // Google documents a WAV header on MULAW output; add one if it ever comes bare.
    return buf.toString('ascii', 0, 4) === 'RIFF' ? buf : mulawWav(buf);
  }
}
