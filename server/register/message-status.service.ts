import { type Channel, type MessageStatus, MESSAGE_STATUSES } from '../contracts/names';
import type { Database } from '../core/db/database';
import type { MessageRepository } from './messages.repository';
import type { Metrics } from '../core/metrics';

/*
 * The life of an outbound message. Reports arrive late, twice and out of order, so a status only
 * ever moves forward: before sending (scheduled, awaiting approval, paused) → queued → sent →
 * unknown (no report in time) → a final one. The first final status stays.
 */

const RANK: Record<MessageStatus, number> = {
  scheduled: 0,
  awaiting_approval: 0,
  paused: 0,
  queued: 1,
  sent: 2,
  unknown: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  stopped: 4,
};

/** May a message in status `current` move to `next`? Before sending, the holding states may swap. */
export function mayMove(current: MessageStatus | null, next: MessageStatus): boolean {
  if (current === null) return true;
  if (current === next) return false;
  if (RANK[current] === 0 && RANK[next] === 0) return true;
  return RANK[next] > RANK[current];
}

/** The statuses a message may be in for `next` to replace it: the guard of one conditional UPDATE. */
export function replaceableBy(next: MessageStatus): MessageStatus[] {
  return MESSAGE_STATUSES.filter((s) => mayMove(s, next));
}

/** No delivery report within this long after sending: the operator will not send one. */
export const NO_REPORT_AFTER_MS = 72 * 3600_000;

export interface StatusReport {
  channel: Channel;
  externalId: string;
  /** Null when the provider sent a status we do not know: kept as history, changes nothing. */
  status: MessageStatus | null;
  providerStatus: string | null;
  at: Date;
  detail?: Record<string, unknown> | null;
}

export type ApplyOutcome = { applied: 'changed' | 'kept'; messageId: number; status: MessageStatus | null } | { applied: 'no_such_message' };

export interface MessageStatusDeps {
  db: Database;
  messages: MessageRepository;
  clock: () => Date;
  /** Waits between lookups of a report that raced ahead of the send that produced it. */
  sleep?: (ms: number) => Promise<void>;
  /** Counts the provider reports that moved a message, by channel and status (for /metrics). */
  metrics?: Pick<Metrics, 'statuses'>;
}

/** Applies delivery reports and status changes; every one is kept in the message's history. */
export class MessageStatusService {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: MessageStatusDeps) {
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * One provider report. A report can overtake the API answer that tells us the message's id, so
   * an unknown id is looked up again for a short while before we give up on it.
   */
  async applyReport(r: StatusReport, waitForMessageMs = 3000): Promise<ApplyOutcome> {
    let message = await this.deps.messages.byExternalId(r.channel, r.externalId);
    for (let waited = 0; !message && waited < waitForMessageMs; waited += 250) {
      await this.sleep(250);
      message = await this.deps.messages.byExternalId(r.channel, r.externalId);
    }
    if (!message) return { applied: 'no_such_message' };
    const outcome = await this.apply(message.id, r.status, r.providerStatus, r.at, r.detail ?? null);
    if (outcome.applied === 'changed' && r.status) this.deps.metrics?.statuses.inc({ channel: r.channel, status: r.status });
    return outcome;
  }

  /** Records the event and moves the message's status if the model allows it, in one transaction. */
  async apply(
    messageId: number,
    status: MessageStatus | null,
    providerStatus: string | null,
    at: Date,
    detail: Record<string, unknown> | null,
  ): Promise<ApplyOutcome> {
    return this.deps.db.transaction(async (m) => {
      const changed = status ? await this.deps.messages.advanceStatus(messageId, status, replaceableBy(status), m) : false;
      const current = changed ? status : ((await this.deps.messages.byId(messageId, m))?.status ?? null);
      await this.deps.messages.addEvent(
        {
          messageId,
          // An unknown provider status is history with the message's status at that moment.
          status: status ?? current ?? 'unknown',
          providerStatus: providerStatus?.slice(0, 64) ?? null,
          at,
          detail: { ...(detail ?? {}), ...(status ? {} : { unmapped: true }), ...(status && !changed ? { superseded: true } : {}) },
        },
        m,
      );
      return { applied: changed ? 'changed' : 'kept', messageId, status: current };
    });
  }

  /** Messages sent long ago that never got a final report become `unknown`; a late report still wins. */
  async markUnreported(): Promise<number> {
    const before = new Date(this.deps.clock().getTime() - NO_REPORT_AFTER_MS);
    const ids = await this.deps.messages.awaitingReportSince(before, 500);
    let n = 0;
    for (const id of ids) {
      const r = await this.apply(id, 'unknown', null, this.deps.clock(), { reason: 'no delivery report within 72 hours' });
      if (r.applied === 'changed') n++;
    }
    return n;
  }
}
