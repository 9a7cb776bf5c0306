import type { Logger } from 'pino';
import { In } from 'typeorm';
import type { Database } from '../../core/db/database';
import { isUniqueViolation } from '../../core/db/database';
import { AppError } from '../../core/errors';
import type { AlertLang } from '../subscriptions.schemas';
import { ReminderDispatchEntity } from './entities';

/*
 * How a reminder leaves: through the SMS feature's one send engine, behind this port. The
 * composition root implements it with the engine's send (an audience of subscribers, or numbers).
 * Each reminder has a key; the key is claimed (a row under a unique index) before the send is
 * asked for, so two processes, or one process ticking again after a restart, never send it twice.
 */

export interface ReminderAudience {
  subscribers: { localities?: number[]; streets?: number[]; categories?: string[] };
}

export interface ReminderSendRequest {
  /** Residents in an area (MISSION's audience), of whom only those who read `language`. */
  audience?: ReminderAudience;
  /** Or numbers the module already matched to subscribers (overdue payments). */
  to?: string[];
  /** The language of `body`: the engine sends it only to subscribers who chose it. */
  language: AlertLang;
  body: string;
  emergency?: boolean;
  /** The alerts department's number when it has one; else the engine's default. */
  from?: string | null;
  /** Who put the schedule or notice in (the send is made on their behalf); null for a system import. */
  requestedBy: number | null;
  /** The reminder's once-only key, for the send's audit trail. */
  key: string;
}

/** The port: `id` null when nobody is in that audience (in that language), which is not a failure. */
export interface ReminderSends {
  send(req: ReminderSendRequest): Promise<{ id: number | null }>;
}

export type Outcome = 'sent' | 'nobody' | 'taken' | 'failed' | 'retry';

export class ReminderDispatcher {
  private sends: ReminderSends | null = null;

  constructor(private readonly deps: { db: Database; clock: () => Date; logger: Logger }) {}

  /** The root hands over the engine's call once both features exist; until then nothing is claimed or sent. */
  connect(sends: ReminderSends): void {
    this.sends = sends;
  }

  get connected(): boolean {
    return this.sends !== null;
  }

  private get repo() {
    return this.deps.db.dataSource.manager.getRepository(ReminderDispatchEntity);
  }

  /** Which of these keys are already claimed (a tick skips them without trying). */
  async claimed(keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.repo.find({ select: { key: true }, where: { key: In(keys.slice(i, i + 500)) } });
      for (const r of rows) out.add(r.key);
    }
    return out;
  }

  /** Claims each key it can; answers the ones this call won. */
  async claim(keys: string[]): Promise<string[]> {
    const won: string[] = [];
    const at = this.deps.clock();
    for (const key of keys) {
      try {
        await this.repo.insert({ key, state: 'claimed', sendIds: null, detail: null, createdAt: at, updatedAt: at });
        won.push(key);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
    }
    return won;
  }

  /**
   * Sends one reminder whose keys `keys` name (several areas may share one send), claiming them
   * first; only the keys won go into `build`, which makes the request from them. A refusal by the
   * engine (4xx) is recorded and not retried; anything else gives the claims back for the next tick.
   */
  async once(keys: string[], build: (won: string[]) => Omit<ReminderSendRequest, 'key'>): Promise<Outcome> {
    const sends = this.sends;
    if (!sends) return 'retry';
    const won = await this.claim(keys);
    if (!won.length) return 'taken';
    const finish = (state: 'sent' | 'nobody' | 'failed', sendIds: string | null, detail: string | null) =>
      this.repo.update({ key: In(won) }, { state, sendIds, detail: detail?.slice(0, 191) ?? null, updatedAt: this.deps.clock() });
    try {
      const { id } = await sends.send({ ...build(won), key: won[0] });
      await finish(id === null ? 'nobody' : 'sent', id === null ? null : String(id), null);
      return id === null ? 'nobody' : 'sent';
    } catch (e) {
      if (e instanceof AppError && e.status < 500) {
        await finish('failed', null, `${e.code}: ${e.message}`);
        this.deps.logger.warn({ key: won[0], code: e.code }, 'reminder refused by the send engine');
        return 'failed';
      }
      await this.repo.delete({ key: In(won) });
      this.deps.logger.warn({ err: e, key: won[0] }, 'reminder send failed; tried again on the next tick');
      return 'retry';
    }
  }
}
