import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { VOICES, type Lang } from '../languages';
import type { SpeechEngine } from './engine';

const run = promisify(execFile);

/**
 * The offline engine: espeak-ng speaks the text, sox turns it into 8 kHz mono μ-law WAV. Both are
 * Debian packages (scripts/test-services.sh installs them). Text goes in through a file, never the
 * command line, so no text can be read as an option.
 */
export class EspeakEngine implements SpeechEngine {
  readonly name = 'espeak-ng';

  constructor(private readonly options: { espeak?: string; sox?: string; timeoutMs?: number } = {}) {}

  async synthesize(text: string, lang: Lang): Promise<Buffer> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'st-tts-'));
    const timeout = this.options.timeoutMs ?? 15_000;
    try {
      const input = path.join(dir, 'in.txt');
      const raw = path.join(dir, 'espeak.wav');
      const out = path.join(dir, 'out.wav');
      await fs.writeFile(input, text, 'utf8');
      await run(this.options.espeak ?? 'espeak-ng', ['-v', VOICES[lang].espeak, '-s', '150', '-f', input, '-w', raw], { timeout });
      await run(this.options.sox ?? 'sox', [raw, '-r', '8000', '-c', '1', '-e', 'u-law', '-b', '8', '-t', 'wav', out], { timeout });
      return await fs.readFile(out);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** Whether both programs are installed. */
  async available(): Promise<boolean> {
    try {
      await run(this.options.espeak ?? 'espeak-ng', ['--version'], { timeout: 5000 });
      await run(this.options.sox ?? 'sox', ['--version'], { timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  }
}
