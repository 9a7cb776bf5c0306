import type { MessageStatus } from '../../../../server/contracts/names';

/*
 * A send's progress as the officer reads it: how many of its recipients' messages are delivered,
 * handed to the carrier (sent, no report yet), failed, or still waiting here. Parts are shares of
 * the recipients, so the bar fills as the send goes out.
 */

export type Counts = Partial<Record<MessageStatus, number>>;

export interface Progress {
  recipients: number;
  delivered: number;
  sent: number;
  failed: number;
  /** Stopped: cancelled, or the number had sent STOP. */
  stopped: number;
  waiting: number;
  /** Delivered, sent, failed and stopped: no longer ours to send. */
  done: number;
  /** Percent of the bar each part takes (0–100, one decimal). */
  share: { delivered: number; sent: number; failed: number; stopped: number };
}

const n = (c: Counts, ...keys: MessageStatus[]) => keys.reduce((a, k) => a + (c[k] ?? 0), 0);

export function progressOf(recipients: number, statuses: Counts): Progress {
  const delivered = n(statuses, 'delivered');
  const sent = n(statuses, 'sent', 'unknown');
  const failed = n(statuses, 'failed', 'undelivered');
  const stopped = n(statuses, 'stopped');
  const waiting = n(statuses, 'scheduled', 'awaiting_approval', 'paused', 'queued');
  const done = delivered + sent + failed + stopped;
  // Counts can run ahead of `recipients` (messages added by `to` beside an audience): never past 100 %.
  const whole = Math.max(recipients, done + waiting, 1);
  const pct = (x: number) => Math.round((x / whole) * 1000) / 10;
  return {
    recipients,
    delivered,
    sent,
    failed,
    stopped,
    waiting,
    done,
    share: { delivered: pct(delivered), sent: pct(sent), failed: pct(failed), stopped: pct(stopped) },
  };
}

/** States in which the figures still move, so the list keeps asking. */
export function isLive(state: string, sendAt: string | null, now: Date): boolean {
  if (state === 'sending') return true;
  return state === 'scheduled' && (sendAt === null || new Date(sendAt).getTime() <= now.getTime());
}
