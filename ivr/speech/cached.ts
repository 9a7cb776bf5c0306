import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import twilio from 'twilio';
import type { Prompt, PromptRenderer } from '../compose';
import { VOICES } from '../languages';
import type { SpeechEngine } from './engine';
import type { Speech } from './speech';

export interface CachedSpeechOptions {
  /** Engines in order of preference: the first that succeeds speaks. */
  engines: SpeechEngine[];
  /** Absolute URL the audio is served under (…/webhooks/twilio/voice/audio). */
  audioBaseUrl: string;
  /** Keys the cache, so an audio URL reveals nothing of its text and cannot be guessed. */
  secret: string;
  /** Shared by server processes on one host; null keeps audio in memory only. */
  dir: string | null;
  logger: Logger;
  maxMemoryBytes?: number;
}

/**
 * Synthesised prompts, cached by (text, voice) and served from a URL Twilio fetches with <Play>.
 * `prepare` runs before the TwiML leaves, so the URL answers when Twilio comes for it; a prompt no
 * engine could speak is turned into <Say> in that TwiML (see sayInstead).
 */
export class CachedSpeech implements Speech {
  readonly name: string;
  private readonly memory = new Map<string, Buffer>();
  private memoryBytes = 0;
  private readonly inflight = new Map<string, Promise<boolean>>();
  readonly stats = { hits: 0, misses: 0, failures: 0 };

  constructor(private readonly options: CachedSpeechOptions) {
    this.name = options.engines.map((e) => e.name).join('+');
  }

  key(p: Prompt): string {
    return createHmac('sha256', this.options.secret).update(`${VOICES[p.lang].espeak}\u0000${p.lang}\u0000${p.text}`).digest('hex');
  }

  url(p: Prompt): string {
    return `${this.options.audioBaseUrl}/${this.key(p)}.wav`;
  }

  readonly renderer: PromptRenderer = (p) => ({ play: this.url(p) });

  /** Makes sure every prompt's audio exists; a prompt that could not be synthesised is said with <Say>. */
  async prepare(prompts: Prompt[], twiml: string): Promise<string> {
    const results = await Promise.all(prompts.map(async (p) => ((await this.ensure(p)) ? null : p)));
    const failed = results.filter((p): p is Prompt => p !== null);
    return failed.length ? sayInstead(twiml, failed, (p) => this.url(p)) : twiml;
  }

  private ensure(p: Prompt): Promise<boolean> {
    const key = this.key(p);
    if (this.memory.has(key)) {
      this.stats.hits++;
      return Promise.resolve(true);
    }
    const running = this.inflight.get(key);
    if (running) return running;
    const job = this.load(key, p).finally(() => this.inflight.delete(key));
    this.inflight.set(key, job);
    return job;
  }

  private async load(key: string, p: Prompt): Promise<boolean> {
    const onDisk = await this.readDisk(key);
    if (onDisk) {
      this.stats.hits++;
      this.remember(key, onDisk);
      return true;
    }
    this.stats.misses++;
    for (const engine of this.options.engines) {
      try {
        const wav = await engine.synthesize(p.text, p.lang);
        this.remember(key, wav);
        await this.writeDisk(key, wav);
        return true;
      } catch (err) {
        this.options.logger.warn({ err, engine: engine.name, lang: p.lang }, 'speech synthesis failed; trying the next engine');
      }
    }
    this.stats.failures++;
    return false;
  }

  async audio(key: string): Promise<Buffer | null> {
    const hit = this.memory.get(key) ?? (await this.readDisk(key));
    return hit ?? null;
  }

  private remember(key: string, wav: Buffer) {
    if (this.memory.has(key)) return;
    this.memory.set(key, wav);
    this.memoryBytes += wav.length;
    const max = this.options.maxMemoryBytes ?? 64 * 1024 * 1024;
    // Oldest first (Map keeps insertion order); bounded by the map's size.
    for (const [k, v] of this.memory) {
      if (this.memoryBytes <= max) break;
      this.memory.delete(k);
      this.memoryBytes -= v.length;
    }
  }

  private async readDisk(key: string): Promise<Buffer | null> {
    if (!this.options.dir) return null;
    return fs.readFile(path.join(this.options.dir, `${key}.wav`)).catch(() => null);
  }

  private async writeDisk(key: string, wav: Buffer) {
    if (!this.options.dir) return;
    try {
      await fs.mkdir(this.options.dir, { recursive: true });
      const tmp = path.join(this.options.dir, `${key}.${process.pid}.tmp`);
      await fs.writeFile(tmp, wav);
      await fs.rename(tmp, path.join(this.options.dir, `${key}.wav`));
    } catch (err) {
      this.options.logger.warn({ err }, 'could not write the speech cache');
    }
  }
}

/** Replaces the <Play> of prompts no engine could speak with <Say> in the language's voice. */
export function sayInstead(twiml: string, failed: Prompt[], urlOf: (p: Prompt) => string): string {
  let out = twiml;
  for (const p of failed) {
    const say = new twilio.twiml.VoiceResponse();
    say.say({ language: p.lang, voice: VOICES[p.lang].say as never }, p.text);
    const element = say
      .toString()
      .replace(/^.*<Response>/, '')
      .replace(/<\/Response>$/, '');
    out = out.split(`<Play>${urlOf(p)}</Play>`).join(element);
  }
  return out;
}
