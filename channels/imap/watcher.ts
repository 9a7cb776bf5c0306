import type { ImapFlow, MailboxObject } from 'imapflow';
import type { Logger } from 'pino';
import { sniffHeaders } from './sniff';

export interface MailCursorStore {
  get(key: string): Promise<{ uidValidity: string; lastUid: number } | null>;
  save(key: string, uidValidity: string, lastUid: number): Promise<void>;
}

export interface FetchedMail {
  uid: number;
  source: Buffer;
  internalDate: Date;
}

export interface WatcherDeps {
  /** A new, unconnected client each time: imapflow does not reconnect by itself. */
  connect: () => ImapFlow;
  mailbox: string;
  cursorKey: string;
  cursors: MailCursorStore;
  /** Records one mail in the register; resolves only once it is committed. */
  handle: (mail: FetchedMail) => Promise<unknown>;
  logger: Logger;
  batchSize?: number;
  /** Reconnect delays: first, and the most it grows to. */
  backoff?: { initialMs: number; maxMs: number };
  /** A sync also runs this often while idle, in case an EXISTS notification was missed. */
  pollMs?: number;
  /** How many senders' mails are recorded side by side (default 8). */
  concurrency?: number;
  /** A mail that fails this often is skipped (and left unseen on the server) so it cannot stall the mailbox. */
  maxAttempts?: number;
  /**
   * Largest mail read, in bytes (RFC822.SIZE; default 25 MB). A larger one is not fetched: it is
   * logged, counted and left unseen on the server for a person to read in a mail client. Fetches
   * are also grouped so that one holds about this many bytes at most, never fifty large mails.
   */
  maxMessageBytes?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/** Timers that never keep the process alive on their own (a stopped watcher leaves some pending). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Watches one IMAP folder: catches up from the stored cursor, then IDLEs and syncs on every new
 * message, and on any drop starts a fresh connection with growing delays. The cursor (UIDVALIDITY
 * and last UID) lives in the database and moves only after the register has committed a mail, then
 * the mail is flagged \Seen. A crash in between repeats a mail, which the register's
 * idempotency on Message-ID turns into a no-op; nothing is ever skipped.
 */
export class ImapWatcher {
  private stopping = false;
  private running: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  private wake: (() => void) | null = null;
  private readonly attempts = new Map<number, number>();
  /** Connections made, syncs run: for tests and the health of the channel. */
  readonly stats = { connections: 0, syncs: 0, processed: 0, oversized: 0, lastError: null as string | null };
  connected = false;

  constructor(private readonly deps: WatcherDeps) {}

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.client?.close();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    const { initialMs, maxMs } = this.deps.backoff ?? { initialMs: 500, maxMs: 30_000 };
    let delay = initialMs;
    while (!this.stopping) {
      const client = this.deps.connect();
      this.client = client;
      // Without an error listener a dropped socket would crash the process.
      client.on('error', (err: Error) => this.deps.logger.warn({ err: err.message, mailbox: this.deps.cursorKey }, 'IMAP connection error'));
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      let dirty = true;
      client.on('exists', () => {
        dirty = true;
        this.wake?.();
      });
      try {
        await client.connect();
        // Open the folder once; each sync then takes imapflow's lock only while it runs, because
        // imapflow starts IDLE only when no lock is held.
        await client.mailboxOpen(this.deps.mailbox);
        this.connected = true;
        this.stats.connections++;
        delay = initialMs;
        while (!this.stopping && client.usable) {
          if (dirty) {
            dirty = false;
            const lock = await client.getMailboxLock(this.deps.mailbox);
            try {
              await this.sync(client);
            } finally {
              lock.release();
            }
            continue;
          }
          // Between syncs imapflow sits in IDLE; an EXISTS wakes us, so does a drop or the poll timer.
          await Promise.race([closed, new Promise<void>((r) => (this.wake = r)), sleep(this.deps.pollMs ?? 60_000).then(() => (dirty = true))]);
        }
      } catch (err) {
        this.stats.lastError = (err as Error).message;
        if (!this.stopping)
          this.deps.logger.warn({ err: (err as Error).message, mailbox: this.deps.cursorKey, retryInMs: delay }, 'IMAP watch interrupted; reconnecting');
      } finally {
        this.connected = false;
        this.wake = null;
        if (client.usable) await client.logout().catch(() => undefined);
        client.close();
      }
      if (this.stopping) break;
      await Promise.race([sleep(delay + Math.random() * delay * 0.2), new Promise<void>((r) => (this.wake = r))]);
      delay = Math.min(delay * 2, maxMs);
    }
  }

  /** Brings the register up to date with the folder. */
  private async sync(client: ImapFlow): Promise<void> {
    this.stats.syncs++;
    const box = client.mailbox as MailboxObject;
    const uidValidity = String(box.uidValidity);
    let cursor = await this.deps.cursors.get(this.deps.cursorKey);
    if (cursor && cursor.uidValidity !== uidValidity) {
      // The server renumbered the folder: every UID we knew is void. Read it all again; the
      // register already has most of it and recognises each mail by its Message-ID.
      this.deps.logger.warn({ mailbox: this.deps.cursorKey, was: cursor.uidValidity, now: uidValidity }, 'UIDVALIDITY changed; rescanning the folder');
      cursor = { uidValidity, lastUid: 0 };
      await this.deps.cursors.save(this.deps.cursorKey, uidValidity, 0);
    }
    let lastUid = cursor?.lastUid ?? 0;
    if (!box.exists) {
      if (!cursor) await this.deps.cursors.save(this.deps.cursorKey, uidValidity, 0);
      return;
    }
    // Collect the UIDs first; no other command may run inside a FETCH's response stream.
    const found = (await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || [];
    const uids = found.filter((u) => u > lastUid).sort((a, b) => a - b);
    this.deps.logger.debug({ mailbox: this.deps.cursorKey, uidValidity, lastUid, exists: box.exists, newMail: uids.length }, 'IMAP sync');
    const size = this.deps.batchSize ?? 50;
    for (let i = 0; i < uids.length && !this.stopping; i += size) {
      const { batches, oversized } = await this.plan(client, uids.slice(i, i + size));
      for (const batch of batches) {
        if (this.stopping) break;
        lastUid = await this.syncBatch(client, uidValidity, lastUid, batch, oversized);
      }
    }
    if (!cursor) await this.deps.cursors.save(this.deps.cursorKey, uidValidity, lastUid);
  }

  /**
   * Sizes first, then fetches of at most about maxMessageBytes each: fifty 40 MB mails read in one
   * FETCH would exhaust memory, and since the cursor had not moved, again after every restart.
   * A mail over the cap is never fetched; it stays in its batch so the cursor moves past it in order.
   */
  private async plan(client: ImapFlow, uids: number[]): Promise<{ batches: number[][]; oversized: Set<number> }> {
    const cap = this.deps.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const sized = await client.fetchAll(uids.join(','), { uid: true, size: true }, { uid: true });
    const sizeOf = new Map(sized.map((m) => [m.uid, m.size ?? 0]));
    const oversized = new Set<number>();
    const batches: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    for (const uid of uids) {
      const n = sizeOf.get(uid) ?? 0;
      if (n > cap) {
        oversized.add(uid);
        current.push(uid);
        continue;
      }
      if (bytes > 0 && bytes + n > cap) {
        batches.push(current);
        current = [];
        bytes = 0;
      }
      current.push(uid);
      bytes += Math.max(n, 1);
    }
    if (current.length) batches.push(current);
    return { batches, oversized };
  }

  /** Records one fetch's mails and moves the cursor; returns the new last UID. */
  private async syncBatch(client: ImapFlow, uidValidity: string, lastUid: number, batch: number[], oversized: Set<number>): Promise<number> {
    const wanted = batch.filter((uid) => !oversized.has(uid));
    const fetched = wanted.length ? await client.fetchAll(wanted.join(','), { uid: true, source: true, internalDate: true }, { uid: true }) : [];
    const byUid = new Map(fetched.map((m) => [m.uid, m]));
    const mails: FetchedMail[] = [];
    for (const uid of batch) {
      const m = byUid.get(uid);
      // A mail expunged since the search has nothing to record.
      if (m?.source)
        mails.push({
          uid,
          source: m.source,
          internalDate: m.internalDate instanceof Date ? m.internalDate : m.internalDate ? new Date(m.internalDate) : new Date(),
        });
    }
    const outcome = await this.record(mails);
    // The cursor moves over the unbroken run of recorded (or skipped) mail only; anything after a
    // failure is read again next time, and the register recognises what it already has.
    const done: number[] = [];
    let failure: Error | null = null;
    let unbroken = true;
    for (const uid of batch) {
      const r = outcome.get(uid);
      if (oversized.has(uid) && unbroken) {
        this.stats.oversized++;
        this.deps.logger.error(
          { uid, mailbox: this.deps.cursorKey, maxMessageBytes: this.deps.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES },
          'mail larger than the limit; not read, left unseen on the server',
        );
      }
      if (!byUid.get(uid)?.source || r === 'ok') {
        if (r === 'ok') done.push(uid);
        if (unbroken) lastUid = uid;
        continue;
      }
      if (r instanceof Error) {
        const n = (this.attempts.get(uid) ?? 0) + 1;
        this.attempts.set(uid, n);
        if (n >= (this.deps.maxAttempts ?? 5) && unbroken) {
          this.deps.logger.error({ err: r.message, uid, mailbox: this.deps.cursorKey }, 'mail failed repeatedly; skipped and left unseen on the server');
          this.attempts.delete(uid);
          lastUid = uid; // moved past, but not flagged \Seen: it stays visible to a person
          continue;
        }
        failure ??= r;
      }
      unbroken = false; // failed, or waiting behind its sender's failed mail
    }
    for (const uid of done) this.attempts.delete(uid);
    this.stats.processed += done.length;
    if (done.length) await client.messageFlagsAdd(done.join(','), ['\\Seen'], { uid: true });
    await this.deps.cursors.save(this.deps.cursorKey, uidValidity, lastUid);
    if (failure) throw failure;
    return lastUid;
  }

  /**
   * Records a batch. Mails of different senders run side by side (the database does the waiting);
   * one sender's mails stay in order, and mails that answer another mail wait until the rest are
   * in, so a reply never arrives before what it replies to. A sender's later mails wait for its
   * failed one.
   */
  private async record(mails: FetchedMail[]): Promise<Map<number, 'ok' | Error>> {
    const result = new Map<number, 'ok' | Error>();
    const groups = new Map<string, FetchedMail[]>();
    const answers: FetchedMail[] = [];
    for (const m of mails) {
      const { sender, answers: isAnswer } = sniffHeaders(m.source);
      if (isAnswer) answers.push(m);
      else groups.set(sender, [...(groups.get(sender) ?? []), m]);
    }
    const inOrder = async (list: FetchedMail[]) => {
      for (const m of list) {
        try {
          await this.deps.handle(m);
          result.set(m.uid, 'ok');
        } catch (e) {
          result.set(m.uid, e instanceof Error ? e : new Error(String(e)));
          return;
        }
      }
    };
    const queue = [...groups.values()];
    const workers = Array.from({ length: Math.min(this.deps.concurrency ?? 8, queue.length) }, async () => {
      for (let g = queue.shift(); g; g = queue.shift()) await inOrder(g);
    });
    await Promise.all(workers);
    await inOrder(answers);
    return result;
  }
}
