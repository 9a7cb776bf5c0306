import type { MessageStatus } from '../../../../server/contracts/names';

/*
 * A send's progress as the officer reads it: how many of its recipients' messages are delivered,
 * handed to the carrier with no final report yet ("sent"), failed, stopped, or still waiting
 * here. Parts are shares of the recipients, so the bar fills as the send goes out.
 *
 * A message the carrier has taken keeps the status `queued` until its first report (that is what
 * Twilio answers), so for a send to an audience the server's `dispatched` count says how many
 * have left; without it, `queued` is read as still waiting.
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

export function progressOf(recipients: number, statuses: Counts, dispatched?: number): Progress {
  const delivered = n(statuses, 'delivered');
  const failed = n(statuses, 'failed', 'undelivered');
  const stopped = n(statuses, 'stopped');
  const reportedSent = n(statuses, 'sent', 'unknown');
  // Taken by the carrier and not yet delivered or failed; never fewer than those reported sent.
  const sent = dispatched === undefined ? reportedSent : Math.max(reportedSent, dispatched - delivered - failed);
  const all = Object.values(statuses).reduce<number>((a, b) => a + (b ?? 0), 0);
  const done = delivered + sent + failed + stopped;
  const waiting = Math.max(0, all - done);
  // Counts can run ahead of `recipients` (numbers given beside an audience): never past 100 %.
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

/** After this long a send's late delivery reports are no longer waited for on screen. */
const REPORTS_WINDOW_MS = 24 * 3600_000;

/**
 * Whether the list keeps asking about a send, and how eagerly: `running` while it goes out or is
 * due; `reports` when it went out within the last day and some of its messages still have no
 * final report (delivered, failed, stopped); null when its figures will not move.
 */
export function liveness(
  s: { state: string; sendAt: string | null; createdAt: string; recipients: number; statuses: Counts; dispatched?: number },
  now: Date,
): 'running' | 'reports' | null {
  if (s.state === 'sending') return 'running';
  if (s.state === 'scheduled') return s.sendAt === null || Date.parse(s.sendAt) <= now.getTime() ? 'running' : null;
  if (s.state !== 'sent' || now.getTime() - Date.parse(s.sendAt ?? s.createdAt) > REPORTS_WINDOW_MS) return null;
  const p = progressOf(s.recipients, s.statuses, s.dispatched);
  return p.delivered + p.failed + p.stopped < s.recipients ? 'reports' : null;
}
