import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { TextToSpeechClient } from '@google-cloud/text-to-speech';
import { CachedSpeech } from '../../ivr/speech/cached';
import type { SpeechEngine } from '../../ivr/speech/engine';
import { EspeakEngine } from '../../ivr/speech/espeak';
import { GoogleSpeechEngine } from '../../ivr/speech/google';
import type { Speech } from '../../ivr/speech/speech';
import { voicePaths } from '../../ivr/state';

/**
 * The speech chain from config: Google TTS when GOOGLE_APPLICATION_CREDENTIALS is set, then the
 * offline espeak-ng engine; a prompt neither can speak falls back to Twilio's <Say>.
 */
export function speechFromConfig(config: {
  googleCredentials?: string;
  publicBaseUrl: string;
  authToken?: string;
  cacheDir?: string | null;
  logger: Logger;
  google?: SpeechEngine;
}): Speech {
  const engines: SpeechEngine[] = [];
  if (config.google) engines.push(config.google);
  else if (config.googleCredentials) engines.push(new GoogleSpeechEngine(new TextToSpeechClient({ keyFilename: config.googleCredentials })));
  engines.push(new EspeakEngine());
  return new CachedSpeech({
    engines,
    audioBaseUrl: `${config.publicBaseUrl}${voicePaths.audio}`,
    // Without a Twilio token (simulation) a per-process secret; audio URLs then differ per process, which only costs a synthesis.
    secret: config.authToken ?? randomBytes(32).toString('hex'),
    // A directory per user: in a shared /tmp another user could otherwise create ours first.
    dir: config.cacheDir === undefined ? path.join(os.tmpdir(), `servicetorg-tts-${os.userInfo().uid}`) : config.cacheDir,
    logger: config.logger,
  });
}
