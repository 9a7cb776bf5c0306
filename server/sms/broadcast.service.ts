import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ProviderSendResult, SmsProvider } from '../../channels/twilio-sms/adapter';
import { AUDIENCE_MERGE_FIELDS, mergeTemplate, segmentInfo } from '../../channels/twilio-sms/compose-text';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { badRequest } from '../core/errors';
import type { InquiryRepository, MessageRepository, RegisterEvents } from '../register/module';
import type { MessageStatus } from '../contracts/names';
import { toSummary } from '../core/summary';
import type { Audience, AudienceMember, AudienceSources } from './audience';
import type { BroadcastRepository, ClaimedMessage, HandOverResult } from './broadcast.repository';
import type { SmsSendRepository } from './sends.repository';
import type { SmsSend, SendState } from './sends.entities';
import type { StopListRepository } from './stop-list.repository';
import type { SendGate } from './send-gate';
import { SenderPace } from './pace';
import type { Actor } from '../core/access';

/** What a send to an audience costs per segment, for the preview's estimate (Twilio's list price to Norway, rounded). */
export const DEFAULT_SEGMENT_PRICE = { amount: 0.08, currency: 'USD' };

/** How often a send waiting for an emergency looks whether it is through. */
const EMERGENCY_POLL_MS = 100;

export interface BroadcastOptions {
  segmentPrice?: { amount: number; currency: string };
  /** Messages handed to the provider at once by one process (default 64). */
  concurrency?: number;
  /** Messages one claim takes (default 500; fewer when the sender's rate is low). */
  batch?: number;
  /** A claim older than this without an outcome is taken for a stopped dispatcher's (default 2 minutes). */
  leaseMs?: number;
  /** Messages per second for sender numbers without their own rate (default none: only `concurrency` bounds it). */
  defaultRatePerSecond?: number;
}

export interface BroadcastDeps {
  db: Database;
  sends: SmsSendRepository;
  broadcasts: BroadcastRepository;
  inquiries: InquiryRepository;
  messages: MessageRepository;
  audit: AuditRepository;
  stopList: StopListRepository;
  provider: SmsProvider;
  gate: SendGate;
  audiences: AudienceSources;
  events?: RegisterEvents;
  statusCallbackUrl: string;
  clock: () => Date;
  /** True once this process is stopping (SIGTERM): dispatch ends after the batch in hand, and a run elsewhere goes on. */
  stopping?: () => boolean;
  options?: BroadcastOptions;
}

/** A member of the send: an audience member, or a number named beside the audience (with its name). */
export interface BroadcastMember extends AudienceMember {
  name?: string | null;
}

/** A prefix long enough to fix the country (+1 and +7 need the area code); one lookup per prefix, not per number. */
function countries(phones: string[]): (p: string) => string | null {
  const memo = new Map<string, string | null>();
  for (const p of phones) {
    const key = p.slice(0, 7);
    if (!memo.has(key)) memo.set(key, parsePhoneNumberFromString(p)?.country ?? null);
  }
  return (p) => memo.get(p.slice(0, 7)) ?? null;
}

/**
 * Sends to an audience (issue 14), at any size. The register holds ONE outbound inquiry per send
 * (no contact, no inquiry per recipient) with the text as composed (the document the journal files
 * once) and one message per recipient, each with its first event and sms_outbound row, written in
 * multi-row statements inside one transaction: the send is stored whole or not at all. The audit
 * log gets one row per send. Dispatch claims batches, hands them over with bounded concurrency at
 * the sender's rate, and records each batch's outcomes together.
 */
export class BroadcastService {
  private readonly pace = new SenderPace();

  constructor(private readonly deps: BroadcastDeps) {}

  private get opts(): Required<Omit<BroadcastOptions, 'defaultRatePerSecond'>> & { defaultRatePerSecond?: number } {
    const o = this.deps.options ?? {};
    return {
      segmentPrice: o.segmentPrice ?? DEFAULT_SEGMENT_PRICE,
      concurrency: o.concurrency ?? 64,
      batch: o.batch ?? 500,
      leaseMs: o.leaseMs ?? 120_000,
      defaultRatePerSecond: o.defaultRatePerSecond,
    };
  }

  /**
   * The audience's members (checked first: a name that does not exist is a 400, nothing written;
   * with an actor, one who may not send to it gets a 403).
   */
  async members(audience: Audience, emergency: boolean, limit?: number, actor?: Actor): Promise<AudienceMember[]> {
    const { source, spec } = await this.deps.audiences.checked(audience, actor);
    return source.members(spec, { emergency, limit });
  }

  /** How many are in the audience now (checked first, as for members). */
  async count(audience: Audience, emergency: boolean, actor?: Actor): Promise<number> {
    const { source, spec } = await this.deps.audiences.checked(audience, actor);
    return source.count(spec, { emergency });
  }

  /** The sender the audience's own unit sends from (a roster unit's number), or null. */
  async senderOf(audience: Audience): Promise<string | null> {
    const { source, spec } = this.deps.audiences.of(audience);
    return (await source.senderOf?.(spec)) ?? null;
  }

  /** Live count, segments, encoding and estimated cost: a count query and a sample of 100 merged texts. */
  async preview(body: string, audience: Audience, emergency: boolean, extra: BroadcastMember[] = [], actor?: Actor) {
    const { source, spec } = await this.deps.audiences.checked(audience, actor);
    const [count, sample] = await Promise.all([source.count(spec, { emergency }), source.members(spec, { emergency, limit: 100 })]);
    const items = [...extra.slice(0, 100), ...sample].slice(0, 100).map((m) => {
      const text = mergeTemplate(body, m);
      return { to: m.phone, body: text, ...segmentInfo(text) };
    });
    const info = segmentInfo(mergeTemplate(body, {}));
    // Merged names change the length: the sample's longest text stands for everyone.
    const segments = Math.max(info.segments, ...items.map((x) => x.segments));
    const recipients = count + extra.length;
    const price = this.opts.segmentPrice;
    return {
      ...info,
      segments,
      encoding: items.some((x) => x.encoding === 'UCS-2') ? ('UCS-2' as const) : info.encoding,
      recipients,
      totalSegments: recipients * segments,
      cost: { amount: Math.round(recipients * segments * price.amount * 100) / 100, currency: price.currency, perSegment: price.amount },
      items,
    };
  }

  /**
   * Stores the send with every recipient's merged message, ready to go: state `sending` (or the
   * hold's state, or `scheduled`). The caller enqueues the dispatch job.
   */
  async store(x: {
    actor: { id: number; totpEnabled: boolean };
    sender: { address: string; departmentId: number };
    body: string;
    audience: Audience;
    emergency: boolean;
    members: BroadcastMember[];
    sendAt: Date | null;
    route: string;
    /** Whether quiet hours apply (false: the officer's choice to send within them). */
    quietHours?: boolean;
    /** Dispatch falls in quiet hours: the send stays scheduled until then, saying why. */
    quietUntil?: Date | null;
    seriesId?: number | null;
    /** Runs in the send's own transaction (a series' occurrence claimed with its send, or neither). */
    within?: (send: SmsSend, m: EntityManager) => Promise<void>;
  }): Promise<SmsSend> {
    const now = this.deps.clock();
    if (!x.members.length) throw badRequest('Nobody is in this audience', [{ path: ['audience'], message: 'no active subscriber matches' }]);
    const hold = await this.deps.gate.hold({ sender: x.sender.address, body: x.body, recipients: x.members.length, actor: x.actor });
    const later = x.sendAt !== null || Boolean(x.quietUntil);
    const state: SendState = hold?.state ?? (later ? 'scheduled' : 'sending');
    const status: MessageStatus = hold?.state ?? (later ? 'scheduled' : 'queued');
    const countryOf = countries(x.members.map((m) => m.phone));
    const operatorOf = new Map<string, string | null>();
    for (const m of x.members) if (!operatorOf.has(m.phone)) operatorOf.set(m.phone, await this.deps.gate.operatorOf(m.phone));
    const recipients = x.members.map((m) => ({
      phone: m.phone,
      body: mergeTemplate(x.body, m),
      country: countryOf(m.phone),
      operator: operatorOf.get(m.phone) ?? null,
    }));
    const detail = {
      ...(x.sendAt && status === 'scheduled' ? { sendAt: x.sendAt.toISOString() } : {}),
      ...(hold ? { reason: hold.state === 'paused' ? 'sender_paused' : 'needs_approval', ...hold.reason } : {}),
      ...(!hold && x.quietUntil ? { reason: 'quiet_hours', until: x.quietUntil.toISOString() } : {}),
    };
    return this.deps.db.transaction(async (m) => {
      const send = await this.deps.sends.insert(
        {
          departmentId: x.sender.departmentId,
          sender: x.sender.address,
          body: x.body,
          sendAt: x.sendAt,
          state,
          holdReason: hold?.reason ?? null,
          pausedBy: hold?.pausedBy ?? null,
          recipients: recipients.length,
          createdBy: x.actor.id,
          approvedBy: null,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      const inquiry = await this.deps.inquiries.insert(
        {
          channel: 'sms',
          direction: 'out',
          state: 'waiting',
          departmentId: x.sender.departmentId,
          assigneeId: null,
          contactId: null,
          caseId: null,
          caseMentioned: false,
          refersToInquiryId: null,
          subject: null,
          summary: toSummary(x.body),
          channelAddress: x.sender.address,
          // Many citizens, not one: what marks the inquiry as a send to an audience.
          citizenAddress: null,
          createdAt: now,
          lastActivityAt: now,
          closedAt: null,
        },
        m,
      );
      const { message: document } = await this.deps.messages.insertOnce(
        {
          inquiryId: inquiry.id,
          channel: 'sms',
          direction: 'out',
          kind: 'message',
          body: x.body,
          bodyHtml: null,
          subject: null,
          fromAddress: x.sender.address,
          toAddress: null,
          externalId: null,
          status: null,
          meta: { sendId: send.id, audience: x.audience, emergency: x.emergency, recipients: recipients.length },
          authorId: x.actor.id,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      await this.deps.broadcasts.insert(
        {
          sendId: send.id,
          inquiryId: inquiry.id,
          documentId: document.id,
          audience: x.audience,
          emergency: x.emergency,
          quietHours: x.quietHours ?? true,
          seriesId: x.seriesId ?? null,
          createdAt: now,
        },
        m,
      );
      await this.deps.broadcasts.storeMessages(
        m,
        { inquiryId: inquiry.id, sendId: send.id, from: x.sender.address, status, authorId: x.actor.id, at: now, detail: { sendId: send.id, ...detail } },
        recipients,
      );
      await this.deps.audit.record([{ userId: x.actor.id, action: 'create', entityType: 'sms_send', entityId: send.id, route: x.route }], m);
      await x.within?.(send, m);
      return send;
    });
  }

  /**
   * The dispatch job's work for a send to an audience: claims batches until none is left, each
   * handed over with bounded concurrency at the sender's rate. Stops at once when the send is
   * paused or cancelled; another run (a restart, another process) goes on where this one stopped.
   */
  /**
   * Answers when to look again: null when the send is done or stopped (paused, cancelled), else a
   * time by which claims still open (another dispatcher's, or a stopped one's) will have an outcome
   * or be past their lease, so the caller schedules a run that fails the interrupted and finishes.
   */
  async dispatch(send: SmsSend): Promise<Date | null> {
    const broadcast = await this.deps.broadcasts.bySend(send.id);
    if (!broadcast) return null;
    const now = () => this.deps.clock();
    await this.deps.broadcasts.failInterrupted(send.id, new Date(now().getTime() - this.opts.leaseMs), now());
    await this.journalOnce(broadcast.inquiryId, broadcast.documentId);
    const rate = (await this.deps.broadcasts.rateOf(send.sender)) ?? this.opts.defaultRatePerSecond ?? null;
    const batch = rate ? Math.max(1, Math.min(this.opts.batch, Math.ceil(rate * 2))) : this.opts.batch;
    // A pipeline: the next batch is claimed, and the last one's outcomes recorded, while this one
    // is handed over, so the provider never waits on the database between batches.
    const claim = async () => {
      // An emergency goes ahead of every other send: this one waits between batches while one is under way.
      if (!broadcast.emergency) await this.yieldToEmergencies(send.id);
      const current = await this.deps.sends.byId(send.id);
      if (current?.state !== 'sending' || (await this.deps.gate.senderPaused(send.sender))) return null;
      const token = randomUUID();
      return { token, messages: await this.deps.broadcasts.claim(send.id, batch, token, now()) };
    };
    // Awaited in turn below; marked handled now so a failure meanwhile is not an unhandled rejection.
    const settled = <T>(p: Promise<T>) => (p.catch(() => undefined), p);
    let recording: Promise<void> = Promise.resolve();
    let next = settled(claim());
    try {
      for (;;) {
        const claimed = await next;
        if (claimed?.messages.length && this.deps.stopping?.()) {
          // The batch in hand was handed over; the one claimed ahead goes back unsent, and the send goes on now in a process that runs.
          await this.deps.broadcasts.release(send.id, claimed.token);
          await recording;
          return now();
        }
        if (!claimed?.messages.length) {
          if (!claimed) {
            await recording;
            return null;
          }
          break;
        }
        next = settled(claim());
        const results = await this.handOver(send.sender, claimed.messages, rate, broadcast.audience as Audience);
        await recording;
        recording = settled(this.deps.broadcasts.record(send.id, send.sender, results, now()));
      }
    } catch (e) {
      // A batch claimed ahead and never handed over goes back, so a retry sends it, not fails it.
      await next.then((c) => c && this.deps.broadcasts.release(send.id, c.token)).catch(() => undefined);
      throw e;
    }
    await recording;
    if ((await this.deps.broadcasts.pending(send.id)) > 0) return new Date(now().getTime() + this.opts.leaseMs + 1000);
    await this.deps.db.transaction((m) => this.deps.sends.transition(send.id, 'sent', ['sending'], m));
    return null;
  }

  private async yieldToEmergencies(sendId: number): Promise<void> {
    const started = Date.now();
    // Bounded: an emergency stuck in `sending` (its dispatcher gone) must not stop every other send for good.
    while ((await this.deps.broadcasts.emergencyUnderway(sendId)) && Date.now() - started < this.opts.leaseMs)
      await new Promise((r) => setTimeout(r, EMERGENCY_POLL_MS));
  }

  /** The journal files the send once, by its document message; the journal keeps one post per message however often told. */
  private async journalOnce(inquiryId: number, documentId: number): Promise<void> {
    if (!this.deps.events) return;
    const [inquiry, message] = await Promise.all([this.deps.inquiries.byId(inquiryId), this.deps.messages.byId(documentId)]);
    if (inquiry && message) this.deps.events.emit('message:sent', { inquiry, message, channel: 'sms' });
  }

  private async handOver(from: string, claimed: ClaimedMessage[], rate: number | null, audience: Audience): Promise<HandOverResult[]> {
    const phones = claimed.map((c) => c.to);
    const stopped = await this.deps.stopList.stoppedAmong(from, phones);
    // Checked again right before the hand-over: someone who left the audience since the send was
    // planned (a roster's person removed or past their end date) gets nothing.
    const { source, spec } = this.deps.audiences.of(audience);
    const left = (await source.leftSince?.(spec, phones)) ?? new Map<string, string>();
    const results: HandOverResult[] = new Array<HandOverResult>(claimed.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < claimed.length; i = next++) {
        const c = claimed[i];
        if (stopped.has(c.to)) {
          results[i] = {
            id: c.id,
            status: 'stopped',
            externalId: null,
            providerStatus: null,
            detail: { reason: 'stop_list', errorMessage: 'The recipient has sent STOP to this sender number' },
          };
          continue;
        }
        const why = left.get(c.to);
        if (why) {
          results[i] = { id: c.id, status: 'stopped', externalId: null, providerStatus: null, detail: { reason: 'left_audience', errorMessage: why } };
          continue;
        }
        await this.pace.take(from, rate);
        const r: ProviderSendResult = await this.deps.provider
          .send({ from, to: c.to, body: c.body, statusCallback: this.deps.statusCallbackUrl })
          .catch((e: Error) => ({
            externalId: null,
            status: 'failed' as const,
            providerStatus: null,
            error: { code: 'provider_unreachable', message: (e?.message ?? 'send failed').slice(0, 500) },
            numSegments: null,
          }));
        const detail: Record<string, unknown> = {};
        if (r.error) Object.assign(detail, { errorCode: r.error.code, errorMessage: r.error.message });
        if (r.numSegments) detail.segments = r.numSegments;
        results[i] = { id: c.id, status: r.status, externalId: r.externalId, providerStatus: r.providerStatus, detail };
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, claimed.length) }, worker));
    return results;
  }

  setRate(actorId: number, sender: string, perSecond: number | null, route: string): Promise<void> {
    return this.deps.db.transaction(async (m) => {
      await this.deps.broadcasts.setRate(sender, perSecond, actorId, this.deps.clock(), m);
      await this.deps.audit.record([{ userId: actorId, action: 'update', entityType: 'sms_policy', entityId: sender, route }], m);
    });
  }

  static readonly mergeFields = AUDIENCE_MERGE_FIELDS;
}
