import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { AUDIENCE_MERGE_FIELDS, mergeTemplate, segmentInfo } from '../../channels/twilio-sms/compose-text';
import type { Database } from '../core/db/database';
import type { Message, ContactRepository, InquiryRepository, MessageRepository } from '../register/module';
import type { MessageStatus } from '../contracts/names';
import type { SendState, SmsBroadcast, SmsSend } from './sends.entities';
import { inParallel, type SmsSendJobs } from './send-jobs';
import type { SendGate } from './send-gate';
import type { AuditRepository } from '../core/audit.repository';
import type { SmsSendRepository } from './sends.repository';
import { assertMay, type Actor } from '../core/access';
import { badRequest } from '../core/errors';
import { MAX_RECIPIENTS, type Recipient, type SentItem, type SmsOutboundService } from './outbound.service';
import { toSummary } from '../core/summary';
import type { Audience } from './audience';
import type { BroadcastMember, BroadcastService } from './broadcast.service';
import type { BroadcastRepository } from './broadcast.repository';
import { assertCountries, auditChoices, outsidePrefixes } from './send-checks';

export { SEND_QUEUE } from './send-jobs';
/** A send may be scheduled at most this far ahead. */
export const MAX_AHEAD_MS = 366 * 24 * 3600_000;

export type { SendGate } from './send-gate';

export interface SmsSendDeps {
  db: Database;
  messages: MessageRepository;
  inquiries: InquiryRepository;
  contacts: ContactRepository;
  audit: AuditRepository;
  sends: SmsSendRepository;
  outbound: SmsOutboundService;
  /** The scheduled half: the send job, its queue, quiet hours and holding states. */
  jobs: SmsSendJobs;
  gate: SendGate;
  broadcast: BroadcastService;
  broadcasts: BroadcastRepository;
  defaultCountry: CountryCode;
  clock: () => Date;
}

export interface SendRequest {
  to: Recipient[];
  body: string;
  from?: string;
  /** Send then, not now; until then the send can be cancelled. */
  sendAt?: Date;
  /** Residents (or, later, a roster) chosen by who they are instead of by number; `to` may name more. */
  audience?: Audience;
  /** An emergency reaches everyone in the area whatever their interests. */
  emergency?: boolean;
  /** False: send now even within quiet hours, the officer's deliberate (audited) choice. */
  quietHours?: false;
}

export interface SendView {
  id: number;
  state: SendState;
  sender: string;
  body: string;
  sendAt: Date | null;
  recipients: number;
  holdReason: SmsSend['holdReason'];
  pausedBy: SmsSend['pausedBy'];
  createdBy: number | null;
  approvedBy: number | null;
  createdAt: Date;
  statuses: Partial<Record<MessageStatus, number>>;
  /** A send to an audience: what was asked, and how many messages the provider has taken. */
  audience?: Audience;
  emergency?: boolean;
  dispatched?: number;
  /** A scheduled send to an audience that quiet hours hold: when they end. */
  quietHoursUntil?: Date;
  seriesId?: number | null;
}

export const countryOf = (e164: string): string | null => parsePhoneNumberFromString(e164)?.country ?? null;

/**
 * Officers' sends: stored with one message per recipient, then handed over at once, or at
 * `sendAt` by the send job (SmsSendJobs, send-jobs.ts), which claims each message before handing
 * it over, so a job that runs again after a restart sends nothing twice.
 */
export class SmsSendService {
  constructor(private readonly deps: SmsSendDeps) {}

  async send(actor: Actor & { totpEnabled?: boolean }, req: SendRequest, route: string): Promise<{ send: SendView; items: SentItem[]; segments: number }> {
    assertMay(actor, 'sendSms', 'Your role may not send SMS');
    if (req.audience) return this.sendToAudience(actor, { ...req, audience: req.audience }, route);
    if (req.quietHours === false)
      throw badRequest('Quiet hours hold only sends to an audience; replies and numbers named in to go at once', [
        { path: ['quietHours'], message: 'only with an audience' },
      ]);
    const out = this.deps.outbound;
    out.assertTemplate(req.body);
    if (!req.to.length) throw badRequest('Name at least one recipient', [{ path: ['to'], message: 'no recipients' }]);
    if (req.to.length > MAX_RECIPIENTS) throw badRequest(`At most ${MAX_RECIPIENTS} recipients per send`, [{ path: ['to'], message: 'too many recipients' }]);
    const now = this.deps.clock();
    this.assertSendAt(req.sendAt, now);
    const sender = await out.senderFor(actor, req.from);
    const recipients = out.normalise(req.to);
    await this.assertCountries(req.to);
    const hold = await this.deps.gate.hold({
      sender: sender.address,
      body: req.body,
      recipients: recipients.length,
      actor: { id: actor.id, totpEnabled: actor.totpEnabled === true },
    });
    const sendAt = req.sendAt ?? null;
    const state: SendState = hold?.state ?? (sendAt ? 'scheduled' : 'sending');
    const status: MessageStatus = hold?.state ?? (sendAt ? 'scheduled' : 'queued');
    const operators = await Promise.all(recipients.map((r) => this.deps.gate.operatorOf(r.phone)));

    const { send, stored } = await this.deps.db.transaction(async (m) => {
      const send = await this.deps.sends.insert(
        {
          departmentId: sender.departmentId,
          sender: sender.address,
          body: req.body,
          sendAt,
          state,
          holdReason: hold?.reason ?? null,
          pausedBy: hold?.pausedBy ?? null,
          recipients: recipients.length,
          createdBy: actor.id,
          approvedBy: null,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      const stored: { message: Message; to: string; body: string }[] = [];
      for (const r of recipients) {
        const body = mergeTemplate(req.body, { name: r.name });
        const { contact } = await this.deps.contacts.findOrCreate({ phone: r.phone }, { name: r.name ?? null }, m);
        const inquiry = await this.deps.inquiries.insert(
          {
            channel: 'sms',
            direction: 'out',
            state: 'waiting',
            departmentId: sender.departmentId,
            assigneeId: null,
            contactId: contact.id,
            caseId: null,
            caseMentioned: false,
            refersToInquiryId: null,
            subject: null,
            summary: toSummary(body),
            channelAddress: sender.address,
            citizenAddress: r.phone,
            createdAt: now,
            lastActivityAt: now,
            closedAt: null,
          },
          m,
        );
        const { message } = await this.deps.messages.insertOnce(
          {
            inquiryId: inquiry.id,
            channel: 'sms',
            direction: 'out',
            kind: 'message',
            body,
            bodyHtml: null,
            subject: null,
            fromAddress: sender.address,
            toAddress: r.phone,
            externalId: null,
            status,
            meta: null,
            authorId: actor.id,
            createdAt: now,
            updatedAt: now,
          },
          m,
        );
        const detail = {
          sendId: send.id,
          ...(sendAt && status === 'scheduled' ? { sendAt: sendAt.toISOString() } : {}),
          ...(hold ? { reason: hold.state === 'paused' ? 'sender_paused' : 'needs_approval', ...hold.reason } : {}),
        };
        await this.deps.messages.addEvent({ messageId: message.id, status, providerStatus: null, at: now, detail }, m);
        stored.push({ message, to: r.phone, body });
      }
      await this.deps.sends.addInfo(
        stored.map((x, i) => ({ messageId: x.message.id, sendId: send.id, country: countryOf(x.to), operator: operators[i] })),
        m,
      );
      await this.deps.audit.record(
        stored.map((x) => ({ userId: actor.id, action: 'create', entityType: 'message', entityId: x.message.id, route })),
        m,
      );
      return { send, stored };
    });

    const items: SentItem[] = stored.map((s) => {
      const { segments, encoding } = segmentInfo(s.body);
      return { id: s.message.id, inquiryId: s.message.inquiryId, to: s.to, from: sender.address, body: s.body, status, externalId: null, segments, encoding };
    });
    if (state === 'scheduled') await this.deps.jobs.enqueue(send, undefined, false);
    if (state === 'sending') {
      await inParallel(
        stored.map((s, i) => async () => {
          const { status: now, result } = await out.handOver(s.message.id, sender.address, s.to, s.body);
          const errorCode = result.detail?.errorCode;
          items[i] = {
            ...items[i],
            status: now,
            externalId: result.externalId,
            ...(errorCode ? { error: { code: String(errorCode), message: String(result.detail?.errorMessage ?? '') } } : {}),
          };
        }),
      );
      await this.deps.db.transaction((m) => this.deps.sends.transition(send.id, 'sent', ['sending'], m));
    }
    return { send: await this.view((await this.deps.sends.byId(send.id))!), items, segments: items.reduce((n, x) => n + x.segments, 0) };
  }

  private assertSendAt(sendAt: Date | undefined, now: Date): void {
    if (sendAt && sendAt.getTime() < now.getTime()) throw badRequest('sendAt is in the past', [{ path: ['sendAt'], message: 'in the past' }]);
    if (sendAt && sendAt.getTime() > now.getTime() + MAX_AHEAD_MS)
      throw badRequest('sendAt is more than a year ahead', [{ path: ['sendAt'], message: 'too far ahead' }]);
  }

  /**
   * A send to an audience: resolved and stored whole (BroadcastService), then dispatched by the
   * send job, never inside the request. Numbers named in `to` beside the audience join it once.
   * Members in countries not on the allow-list are left out and counted, not refused: one
   * resident's foreign number must not stop an alert to a town.
   */
  private async sendToAudience(
    actor: Actor & { totpEnabled?: boolean },
    req: SendRequest & { audience: Audience },
    route: string,
  ): Promise<{ send: SendView; items: SentItem[]; segments: number; excluded: { country: number } }> {
    this.deps.outbound.assertTemplate(req.body, AUDIENCE_MERGE_FIELDS);
    if (req.to.length > MAX_RECIPIENTS) throw badRequest(`At most ${MAX_RECIPIENTS} recipients in to`, [{ path: ['to'], message: 'too many recipients' }]);
    const now = this.deps.clock();
    this.assertSendAt(req.sendAt, now);
    const members: BroadcastMember[] = [...(await this.deps.broadcast.members(req.audience, req.emergency === true, undefined, actor))];
    // A roster unit's own number when the officer names none (its members know it, and answer to it).
    const sender = await this.deps.outbound.senderFor(actor, req.from ?? (await this.deps.broadcast.senderOf(req.audience)) ?? undefined);
    const named = this.deps.outbound.normalise(req.to);
    await this.assertCountries(req.to);
    const emergency = req.emergency === true;
    if (req.quietHours === false && req.sendAt)
      throw badRequest('quietHours: false sends now; it does not go with sendAt', [{ path: ['quietHours'], message: 'not with sendAt' }]);
    // Quiet hours hold a send to an audience, never an emergency nor one the officer sends anyway.
    const quietEnd = this.deps.jobs.quietUntil({ emergency, quietHours: req.quietHours !== false }, req.sendAt ?? now);
    const seen = new Set(members.map((m) => m.phone));
    for (const r of named) if (!seen.has(r.phone)) members.push({ phone: r.phone, name: r.name, locality: null, street: null });
    const outside = await this.outsidePrefixes(members.map((m) => m.phone));
    const allowed = outside.size ? members.filter((m) => !outside.has(m.phone.slice(0, 7))) : members;
    if (members.length && !allowed.length)
      throw badRequest('Everyone in this audience has a number in a country not on the allow-list', [{ path: ['audience'], message: 'country not allowed' }]);
    const send = await this.deps.broadcast.store({
      actor: { id: actor.id, totpEnabled: actor.totpEnabled === true },
      sender,
      body: req.body,
      audience: req.audience,
      emergency,
      members: allowed,
      sendAt: req.sendAt ?? null,
      route,
      quietHours: req.quietHours !== false,
      quietUntil: quietEnd,
      within: (send, m) => auditChoices(this.deps.audit, actor.id, send.id, { emergency, overridesQuiet: req.quietHours === false }, route, m),
    });
    // An emergency's job is first in line among due jobs (its priority), on either queue.
    if (send.state === 'sending' || send.state === 'scheduled') await this.deps.jobs.enqueue(send, quietEnd ?? undefined, emergency);
    // Every message is in the send's own first status: no need to count them again.
    const status: MessageStatus = send.state === 'sending' ? 'queued' : (send.state as MessageStatus);
    const view = await this.view(send, { [status]: send.recipients });
    return { send: view, items: [], segments: 0, excluded: { country: members.length - allowed.length } };
  }

  async outsidePrefixes(phones: string[]): Promise<Set<string>> {
    return outsidePrefixes(this.deps.gate, phones);
  }

  private assertCountries(to: Recipient[]): Promise<void> {
    return assertCountries(this.deps.gate, this.deps.defaultCountry, to);
  }

  async view(s: SmsSend, counts?: Partial<Record<MessageStatus, number>>, broadcast?: SmsBroadcast | null): Promise<SendView> {
    const b = broadcast === undefined ? await this.deps.broadcasts.bySend(s.id) : broadcast;
    return {
      id: s.id,
      state: s.state,
      sender: s.sender,
      body: s.body,
      sendAt: s.sendAt,
      recipients: s.recipients,
      holdReason: s.holdReason,
      pausedBy: s.pausedBy,
      createdBy: s.createdBy,
      approvedBy: s.approvedBy,
      createdAt: s.createdAt,
      statuses: counts ?? (await this.deps.sends.statusCounts([s.id])).get(s.id) ?? {},
      ...(b ? { audience: b.audience as Audience, emergency: b.emergency, dispatched: b.dispatched, seriesId: b.seriesId } : {}),
      ...(b && s.state === 'scheduled' ? this.heldBy(b, s) : {}),
    };
  }

  private heldBy(b: SmsBroadcast, s: SmsSend): { quietHoursUntil?: Date } {
    const now = this.deps.clock();
    const until = this.deps.jobs.quietUntil(b, s.sendAt && s.sendAt > now ? s.sendAt : now);
    return until ? { quietHoursUntil: until } : {};
  }
}
