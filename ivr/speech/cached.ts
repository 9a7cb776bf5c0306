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
  /**
   * Shared by server processes on one host; null keeps audio in memory only. The directory must be
   * ours alone (created 0700, owned by this user, not a symlink): prompts can carry a citizen's case
   * status, and anyone who could write there could make us play their audio. Otherwise the disk
   * cache is not used.
   */
  dir: string | null;
  logger: Logger;
  maxMemoryBytes?: number;
  /** Bounds of the disk cache; past either the oldest files go first (defaults 2000 files, 256 MB). */
  maxDiskFiles?: number;
  maxDiskBytes?: number;
  /** How long a prompt no engine could speak is said with <Say> before the engines are tried again (default 60 s). */
  retryFailedAfterMs?: number;
}

/** Most prompt keys remembered (a few hundred bytes each). */
const KEYS_KEPT = 2_000;
/** Most prompts remembered as failed; past it the oldest are forgotten (and tried again). */
const FAILED_KEPT = 10_000;

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
  /**
   * Prompts no engine could speak, with when to try again. Without it a missing engine (espeak-ng
   * not installed, Google unreachable) was run again for every prompt of every call: a temporary
   * directory, a process spawned to fail and a warning each, most of a call's CPU (issue 13).
   */
  private readonly failedUntil = new Map<string, number>();
  readonly stats = { hits: 0, misses: 0, failures: 0, evicted: 0 };
  /** The checked cache directory, or null when there is none we may use; decided once. */
  private disk: Promise<string | null> | null = null;
  private pruning: Promise<void> | null = null;

  constructor(private readonly options: CachedSpeechOptions) {
    this.name = options.engines.map((e) => e.name).join('+');
  }

  /**
   * Keys of recent prompts: every call's greeting and menu prompts are keyed at least twice (the
   * TwiML's URL, then prepare), and an HMAC each time was a measurable share of a call's CPU
   * (issue 13). Bounded; the oldest go first.
   */
  private readonly keys = new Map<string, string>();

  key(p: Prompt): string {
    const input = `${VOICES[p.lang].espeak}\u0000${p.lang}\u0000${p.text}`;
    let key = this.keys.get(input);
    if (key === undefined) {
      key = createHmac('sha256', this.options.secret).update(input).digest('hex');
      if (this.keys.size >= KEYS_KEPT) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(input, key);
    }
    return key;
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
    const until = this.failedUntil.get(key);
    if (until !== undefined) {
      if (Date.now() < until) return Promise.resolve(false);
      this.failedUntil.delete(key);
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
    if (this.failedUntil.size >= FAILED_KEPT) this.failedUntil.delete(this.failedUntil.keys().next().value!);
    this.failedUntil.set(key, Date.now() + (this.options.retryFailedAfterMs ?? 60_000));
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
    const dir = await this.cacheDir();
    if (!dir) return null;
    return fs.readFile(path.join(dir, `${key}.wav`)).catch(() => null);
  }

  private async writeDisk(key: string, wav: Buffer) {
    const dir = await this.cacheDir();
    if (!dir) return;
    try {
      const tmp = path.join(dir, `${key}.${process.pid}.tmp`);
      await fs.writeFile(tmp, wav, { mode: 0o600 });
      await fs.rename(tmp, path.join(dir, `${key}.wav`));
    } catch (err) {
      this.options.logger.warn({ err }, 'could not write the speech cache');
    }
    this.pruning ??= this.prune(dir).finally(() => (this.pruning = null));
    await this.pruning;
  }

  private cacheDir(): Promise<string | null> {
    this.disk ??= privateDir(this.options.dir, this.options.logger);
    return this.disk;
  }

  /**
   * Keeps the directory within its bounds, oldest files (by modification time) first. It reads the
   * directory each time because other processes write to it too; a write is a synthesis, which is
   * far slower than this listing.
   */
  private async prune(dir: string): Promise<void> {
    const maxFiles = this.options.maxDiskFiles ?? 2000;
    const maxBytes = this.options.maxDiskBytes ?? 256 * 1024 * 1024;
    try {
      const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.wav'));
      const files = (await Promise.all(names.map(async (n) => ({ name: n, st: await fs.stat(path.join(dir, n)).catch(() => null) })))).flatMap((f) =>
        f.st ? [{ name: f.name, size: f.st.size, mtime: f.st.mtimeMs }] : [],
      );
      let bytes = files.reduce((sum, f) => sum + f.size, 0);
      let count = files.length;
      files.sort((a, b) => a.mtime - b.mtime);
      for (const f of files) {
        if (count <= maxFiles && bytes <= maxBytes) break;
        await fs.rm(path.join(dir, f.name), { force: true });
        count--;
        bytes -= f.size;
        this.stats.evicted++;
      }
    } catch (err) {
      this.options.logger.warn({ err }, 'could not prune the speech cache');
    }
  }
}

/**
 * The cache directory if it is ours alone: created 0700 if missing; an existing one must be a real
 * directory (not a symlink) owned by this user, and is tightened to 0700 if it was looser. Anything
 * else, e.g. a directory another user made first in a shared /tmp, means no disk cache.
 */
export async function privateDir(dir: string | null, logger: Logger): Promise<string | null> {
  if (!dir) return null;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const st = await fs.lstat(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
      logger.warn({ dir }, 'the speech cache directory is not our own; caching in memory only');
      return null;
    }
    if ((st.mode & 0o077) !== 0) await fs.chmod(dir, 0o700);
    return dir;
  } catch (err) {
    logger.warn({ err, dir }, 'no usable speech cache directory; caching in memory only');
    return null;
  }
}

/**
 * The <Say> elements built for prompts no engine could speak, by language and text: while an engine
 * is down every call needs the same few again, and building each through the TwiML library was a
 * share of the call's CPU. Bounded; the oldest go first.
 */
const saidElements = new Map<string, string>();

/** Replaces the <Play> of prompts no engine could speak with <Say> in the language's voice. */
export function sayInstead(twiml: string, failed: Prompt[], urlOf: (p: Prompt) => string): string {
  let out = twiml;
  for (const p of failed) {
    const id = `${p.lang}\u0000${p.text}`;
    let element = saidElements.get(id);
    if (element === undefined) {
      const say = new twilio.twiml.VoiceResponse();
      say.say({ language: p.lang, voice: VOICES[p.lang].say as never }, p.text);
      element = say
        .toString()
        .replace(/^.*<Response>/, '')
        .replace(/<\/Response>$/, '');
      if (saidElements.size >= FAILED_KEPT) saidElements.delete(saidElements.keys().next().value!);
      saidElements.set(id, element);
    }
    out = out.split(`<Play>${urlOf(p)}</Play>`).join(element);
  }
  return out;
}
