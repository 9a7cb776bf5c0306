import type { Database } from '../core/db/database';
import type { MessageRepository } from '../register/module';
import type { MessageStatus } from '../contracts/names';
import type { SendState, SmsBroadcast, SmsSend } from './sends.entities';
import type { SendGate } from './send-gate';
import { PRIORITY, type JobQueue } from '../core/jobs/queue';
import type { SmsSendRepository } from './sends.repository';
import type { SmsOutboundService } from './outbound.service';
import type { BroadcastService } from './broadcast.service';
import type { BroadcastRepository } from './broadcast.repository';
import { quietUntil, type QuietHours } from '../core/local-time';

export const SEND_QUEUE = 'sms-send';
const PARALLEL_SENDS = 8;

export interface SmsSendJobsDeps {
  db: Database;
  messages: MessageRepository;
  sends: SmsSendRepository;
  outbound: SmsOutboundService;
  jobs: JobQueue;
  gate: SendGate;
  broadcast: BroadcastService;
  broadcasts: BroadcastRepository;
  clock: () => Date;
  /** The municipality's zone and its quiet hours (null: none), for sends to an audience. */
  timeZone: string;
  quietHours: QuietHours | null;
}

/** Runs tasks with at most `width` at once. */
export async function inParallel(tasks: (() => Promise<void>)[], width = PARALLEL_SENDS): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) await tasks[i]();
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
}

/**
 * The scheduled half of officers' sends: the send job (queue `sms-send`) and the state changes
 * it shares with cancel, approve and pause. The job claims each message (scheduled → queued, one
 * conditional UPDATE) right before handing it over, so a job that runs again after a restart sends
 * nothing twice. An emergency's job has the queue's first priority, on BullMQ as on the embedded
 * queue, so it overtakes every ordinary send waiting there.
 */
export class SmsSendJobs {
  constructor(private readonly deps: SmsSendJobsDeps) {}

  /**
   * The job: hands over every message of the send still scheduled, each claimed first. `ownKey`
   * is the running job's key: a job that must run again later is added under another key, since
   * both queues ignore adding a key that is running (BullMQ keeps an active job id; the embedded
   * queue keeps its running row) and then drop it when this run ends: the send would never go.
   */
  async run(sendId: number, ownKey?: string): Promise<void> {
    const send = await this.deps.sends.byId(sendId);
    if (!send || (send.state !== 'scheduled' && send.state !== 'sending')) return;
    const now = this.deps.clock();
    // Ran early (another process's clock, a rescheduled send): wait for the right time.
    if (send.sendAt && send.sendAt.getTime() > now.getTime() + 1000) return this.again(send.id, send.sendAt, 'at', ownKey);
    if (await this.deps.gate.senderPaused(send.sender)) {
      await this.hold(send.id, ['scheduled', 'sending'], 'paused', ['scheduled'], { reason: 'sender_paused' }, { pausedBy: 'sender' });
      return;
    }
    const broadcast = await this.deps.broadcasts.bySend(send.id);
    if (send.state === 'scheduled' && broadcast) {
      const until = this.quietUntil(broadcast, now);
      // Held until the morning; the send stays scheduled and says why (GET shows quietHoursUntil).
      if (until) return this.again(send.id, until, 'quiet', ownKey);
    }
    // A cancel that committed first wins: then this transition fails and nothing is sent.
    if (send.state === 'scheduled' && !(await this.deps.db.transaction((m) => this.deps.sends.transition(send.id, 'sending', ['scheduled'], m)))) return;
    if (broadcast) {
      // Claims still open after this run (a dispatcher that stopped mid-batch): look again once their lease is over.
      const again = await this.deps.broadcast.dispatch({ ...send, state: 'sending' });
      if (again) await this.again(send.id, again, 'open', ownKey, broadcast.emergency);
      return;
    }
    const targets = await this.deps.sends.messagesOf(send.id, ['scheduled']);
    await inParallel(
      targets.map((t) => async () => {
        const claimed = await this.deps.db.transaction(async (m) => {
          if (!(await this.deps.messages.advanceStatus(t.id, 'queued', ['scheduled'], m))) return false;
          await this.deps.messages.addEvent({ messageId: t.id, status: 'queued', providerStatus: null, at: this.deps.clock(), detail: { sendId: send.id } }, m);
          return true;
        });
        if (claimed) await this.deps.outbound.handOver(t.id, send.sender, t.toAddress, t.body);
      }),
    );
    await this.deps.db.transaction((m) => this.deps.sends.transition(send.id, 'sent', ['sending'], m));
  }

  /** After a restart: every send that should have a job gets one (a pending job with the same key is left alone). */
  async recover(): Promise<number> {
    const due = await this.deps.sends.scheduled();
    for (const s of due) await this.enqueue(s);
    return due.length;
  }

  /** The send's job, at `runAt` when not the send's own time (the end of quiet hours); an emergency's first in line. */
  async enqueue(send: Pick<SmsSend, 'id' | 'sendAt'>, runAt?: Date, emergency?: boolean): Promise<void> {
    const first = emergency ?? (await this.deps.broadcasts.bySend(send.id))?.emergency === true;
    await this.deps.jobs.add(
      SEND_QUEUE,
      { sendId: send.id },
      { key: `send-${send.id}`, runAt: runAt ?? send.sendAt ?? this.deps.clock(), attempts: 3, priority: first ? PRIORITY.first : PRIORITY.normal },
    );
  }

  /** A later run of a job under way: keyed by why and when, and never by the running job's own key. */
  private async again(sendId: number, runAt: Date, why: string, ownKey: string | undefined, emergency?: boolean): Promise<void> {
    let key = `send-${sendId}-${why}-${runAt.getTime()}`;
    if (key === ownKey) key = `${key}-${this.deps.clock().getTime()}`;
    const first = emergency ?? (await this.deps.broadcasts.bySend(sendId))?.emergency === true;
    await this.deps.jobs.add(SEND_QUEUE, { sendId }, { key, runAt, attempts: 3, priority: first ? PRIORITY.first : PRIORITY.normal });
  }

  /** When quiet hours holding a send to an audience end, or null when they do not hold it at `at`. */
  quietUntil(b: Pick<SmsBroadcast, 'emergency' | 'quietHours'>, at: Date): Date | null {
    if (b.emergency || !b.quietHours) return null;
    return quietUntil(at, this.deps.quietHours, this.deps.timeZone);
  }

  /**
   * Moves a send to a holding or final state and, in the same transaction, each of its messages
   * still in one of `messagesFrom`; the history keeps why. False when the send was no longer in `from`.
   */
  async hold(
    sendId: number,
    from: SendState[],
    to: SendState,
    messagesFrom: MessageStatus[],
    detail: Record<string, unknown>,
    patch: Parameters<SmsSendRepository['transition']>[4] = {},
  ): Promise<boolean> {
    const status: MessageStatus = to === 'cancelled' || to === 'rejected' ? 'stopped' : (to as MessageStatus);
    return this.deps.db.transaction(async (m) => {
      if (!(await this.deps.sends.transition(sendId, to, from, m, patch))) return false;
      // Set-based: a send to a town moves 100,000 messages in two statements, not 200,000.
      await this.deps.sends.moveMessages(sendId, messagesFrom, status, this.deps.clock(), { sendId, ...detail }, m);
      return true;
    });
  }
}
